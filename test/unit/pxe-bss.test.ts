import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { EmbError } from '../../src/errors.ts';
import { type BssNode, bssBootParameters, bssEntryYaml, bssPayloadJson, bssPayloadYaml, sendBootParameters } from '../../src/pxe/bss.ts';
import { bootParametersUrl } from '../../src/pxe/bss-send.ts';
import { startBssStandIn } from '../helpers/bss-stand-in.ts';

const fixtures = new URL('../fixtures/bss/', import.meta.url);
const token = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl';

async function fixtureNodes(): Promise<BssNode[]> {
  return JSON.parse(await readFile(new URL('nodes.json', fixtures), 'utf8')) as BssNode[];
}

const oneNode: BssNode = {
  mac: '02:00:00:00:00:01',
  hostname: 'n1',
  board: 'sopine',
  params: 'console=ttyS0,115200 uebo.hostname=n1',
  kernelPath: 'boards/sopine/Image',
  initrdPath: 'boards/sopine/initramfs.zst',
};

async function tokenFile(text: string, mode = 0o600): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'emb-bss-')), 'token');
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

function isEmbErrorMatching(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof EmbError, `not an EmbError: ${String(error)}`);
    assert.match(error.message, pattern);
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, new RegExp(token.replaceAll('.', '\\.')));
    return true;
  };
}

describe('bssBootParameters and its payload files', () => {
  it('writes the checked-in JSON and YAML for the checked-in inventory', async () => {
    const params = bssBootParameters(await fixtureNodes(), 'http://10.0.0.1/pxe');
    // Biome formats checked-in JSON (short arrays on one line): re-indent the file the way
    // bssPayloadJson does, which keeps its key order and values, and compare the text.
    const expectedJson = JSON.parse(await readFile(new URL('expected.json', fixtures), 'utf8')) as unknown;
    assert.equal(bssPayloadJson(params), `${JSON.stringify(expectedJson, null, 2)}\n`);
    assert.equal(bssPayloadYaml(params), await readFile(new URL('expected.yaml', fixtures), 'utf8'));
  });

  it('gives the YAML the same entries as the JSON, MACs as strings', async () => {
    const params = bssBootParameters(await fixtureNodes(), 'http://10.0.0.1/pxe');
    assert.deepEqual(parseYaml(bssPayloadYaml(params), { version: '1.1' }), JSON.parse(bssPayloadJson(params)));
  });

  it('orders entries by MAC, one per node, MACs lower-case', async () => {
    const params = bssBootParameters(await fixtureNodes(), 'http://10.0.0.1/pxe');
    assert.deepEqual(
      params.map((entry) => entry.macs),
      [['02:00:00:00:00:0a'], ['02:00:00:00:00:12'], ['52:54:00:12:34:56']],
    );
  });

  it('writes one entry alone as a YAML mapping, for ochami', () => {
    const [entry] = bssBootParameters([oneNode], 'http://10.0.0.1/pxe');
    assert.ok(entry);
    assert.equal(
      bssEntryYaml(entry),
      [
        'macs:',
        '  - "02:00:00:00:00:01"',
        'kernel: http://10.0.0.1/pxe/boards/sopine/Image',
        'initrd: http://10.0.0.1/pxe/boards/sopine/initramfs.zst',
        'params: console=ttyS0,115200 uebo.hostname=n1',
        '',
      ].join('\n'),
    );
  });

  const baseUrls: { in: string; want: string }[] = [
    { in: 'http://10.0.0.1/pxe', want: 'http://10.0.0.1/pxe/boards/sopine/Image' },
    { in: 'http://10.0.0.1/pxe/', want: 'http://10.0.0.1/pxe/boards/sopine/Image' },
    { in: 'http://10.0.0.1', want: 'http://10.0.0.1/boards/sopine/Image' },
    { in: 'http://10.0.0.1/', want: 'http://10.0.0.1/boards/sopine/Image' },
    { in: 'https://boot.example:8443/a/b', want: 'https://boot.example:8443/a/b/boards/sopine/Image' },
  ];
  for (const row of baseUrls) {
    it(`joins ${row.in} and boards/sopine/Image`, () => {
      assert.equal(bssBootParameters([oneNode], row.in)[0]?.kernel, row.want);
    });
  }

  it('keeps the base path for a tree path with a leading slash', () => {
    const [entry] = bssBootParameters([{ ...oneNode, kernelPath: '/boards/sopine/Image' }], 'http://10.0.0.1/pxe');
    assert.equal(entry?.kernel, 'http://10.0.0.1/pxe/boards/sopine/Image');
  });

  for (const bad of ['tftp://10.0.0.1/pxe', '10.0.0.1/pxe', 'file:///srv/pxe', 'http://10.0.0.1/pxe?x=1']) {
    it(`refuses --base-url ${bad}`, () => {
      assert.throws(() => bssBootParameters([oneNode], bad), isEmbErrorMatching(/--base-url/));
    });
  }

  it('refuses a MAC BSS would refuse', () => {
    assert.throws(() => bssBootParameters([{ ...oneNode, mac: '02-00-00-00-00-01' }], 'http://h/'), isEmbErrorMatching(/n1: MAC/));
  });

  it('refuses two nodes with one MAC', () => {
    const twin = { ...oneNode, hostname: 'n2', mac: '02:00:00:00:00:01'.toUpperCase() };
    assert.throws(() => bssBootParameters([oneNode, twin], 'http://h/'), isEmbErrorMatching(/n1 and n2 have the same MAC/));
  });
});

describe('bootParametersUrl', () => {
  const rows: { in: string; want: string }[] = [
    { in: 'http://127.0.0.1:27778/boot/v1', want: 'http://127.0.0.1:27778/boot/v1/bootparameters' },
    { in: 'https://demo.openchami.cluster:8443/boot/v1/', want: 'https://demo.openchami.cluster:8443/boot/v1/bootparameters' },
    {
      in: 'https://demo.openchami.cluster:8443/boot/v1/bootparameters',
      want: 'https://demo.openchami.cluster:8443/boot/v1/bootparameters',
    },
  ];
  for (const row of rows) {
    it(`bootParametersUrl(${row.in})`, () => {
      assert.equal(bootParametersUrl(row.in).href, row.want);
    });
  }

  it('refuses a URL that is not http(s)', () => {
    assert.throws(() => bootParametersUrl('ftp://bss/boot/v1'), isEmbErrorMatching(/--bss-url/));
  });

  it('refuses credentials in the URL without repeating them', () => {
    assert.throws(
      () => bootParametersUrl('https://admin:hunter2@bss/boot/v1'),
      (error: unknown) =>
        isEmbErrorMatching(/--bss-url bss has a user or password/)(error) && !(error as Error).message.includes('hunter2'),
    );
  });
});

describe('sendBootParameters', () => {
  it('PUTs each entry to /boot/v1/bootparameters with the bearer token', async () => {
    const bss = await startBssStandIn();
    try {
      const params = bssBootParameters(await fixtureNodes(), 'http://10.0.0.1/pxe');
      const result = await sendBootParameters(params, bss.url, await tokenFile(`${token}\n`));
      assert.deepEqual(result, { sent: 3 });
      assert.deepEqual(
        bss.received.map((request) => [request.method, request.url]),
        Array(3).fill(['PUT', '/boot/v1/bootparameters']),
      );
      for (const request of bss.received) {
        assert.equal(request.headers.authorization, `Bearer ${token}`);
        assert.equal(request.headers['content-type'], 'application/json');
      }
      assert.deepEqual(
        bss.received.map((request) => request.body),
        JSON.parse(await readFile(new URL('expected.json', fixtures), 'utf8')),
      );
    } finally {
      await bss.close();
    }
  });

  it('turns a 401 into an EmbError with the status, the body line and no token', async () => {
    const bss = await startBssStandIn(401, `Unauthorized: bad token ${token}\nsecond line\n`);
    try {
      await assert.rejects(
        sendBootParameters(bssBootParameters([oneNode], 'http://h/'), bss.url, await tokenFile(token)),
        isEmbErrorMatching(/bootparameters answered 401 to 02:00:00:00:00:01 \(0 of 1 entries stored\): Unauthorized: bad token <token>$/),
      );
    } finally {
      await bss.close();
    }
  });

  it('says how many entries were stored before the one that failed', async () => {
    const bss = await startBssStandIn(400, '{"title":"Bad Request","detail":"Bad Request: invalid MAC","status":400}');
    try {
      const params = bssBootParameters(await fixtureNodes(), 'http://h/');
      await assert.rejects(
        sendBootParameters(params, bss.url, await tokenFile(token)),
        isEmbErrorMatching(/answered 400 .*0 of 3.*invalid MAC/),
      );
      assert.equal(bss.received.length, 1);
    } finally {
      await bss.close();
    }
  });

  it('names the endpoint when nothing listens there', async () => {
    const closed = await startBssStandIn();
    await closed.close();
    await assert.rejects(
      sendBootParameters(bssBootParameters([oneNode], 'http://h/'), closed.url, await tokenFile(token)),
      isEmbErrorMatching(/could not reach BSS at http:\/\/127\.0\.0\.1:\d+\/boot\/v1\/bootparameters: ECONNREFUSED/),
    );
  });

  it('gives up on a BSS that does not answer within the timeout', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await assert.rejects(
        sendBootParameters(bssBootParameters([oneNode], 'http://h/'), `http://127.0.0.1:${port}/boot/v1`, await tokenFile(token), {
          timeoutMs: 200,
        }),
        isEmbErrorMatching(/did not answer within 0\.2 s/),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a token file other users can read, and sends nothing', async () => {
    const bss = await startBssStandIn();
    try {
      const path = await tokenFile(token, 0o644);
      await assert.rejects(
        sendBootParameters(bssBootParameters([oneNode], 'http://h/'), bss.url, path),
        (error: unknown) =>
          isEmbErrorMatching(/can be read by other users \(mode 0644\)/)(error) && (error as EmbError).hint === `run: chmod 600 ${path}`,
      );
      assert.equal(bss.received.length, 0);
    } finally {
      await bss.close();
    }
  });

  it('refuses an empty token file', async () => {
    await assert.rejects(
      sendBootParameters(bssBootParameters([oneNode], 'http://h/'), 'http://127.0.0.1:9/boot/v1', await tokenFile(' \n')),
      isEmbErrorMatching(/is empty/),
    );
  });

  it('refuses a token file holding more than the token', async () => {
    await assert.rejects(
      sendBootParameters(
        bssBootParameters([oneNode], 'http://h/'),
        'http://127.0.0.1:9/boot/v1',
        await tokenFile(`export TOKEN=${token}\n`),
      ),
      isEmbErrorMatching(/more than one word/),
    );
  });

  it('names a missing token file', async () => {
    await assert.rejects(
      sendBootParameters(bssBootParameters([oneNode], 'http://h/'), 'http://127.0.0.1:9/boot/v1', '/nonexistent/emb-token'),
      isEmbErrorMatching(/token file \/nonexistent\/emb-token does not exist/),
    );
  });
});
