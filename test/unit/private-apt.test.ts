/**
 * emb's private apt without the network: the host's sources read (deb822 and one-line,
 * third-party and disabled entries left out), the configuration and sources it writes
 * (every apt directory under the cache, the host's keyrings and proxy only), apt itself
 * reading that configuration (apt-config), and the update policy against a stand-in
 * apt-get: a mirror mid-sync retried, a day's freshness, refresh, offline, a partial
 * update used with one warning and tried again after an hour, a hung apt-get bounded.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { EmbError } from '../../src/errors.ts';
import { hasPackageLists, preparePrivateApt, writePrivateAptConfig } from '../../src/fetch/private-apt.ts';
import {
  debianSourcesOf,
  isDebianArchiveUri,
  parseDeb822Sources,
  parseOneLineSources,
  privateAptConf,
  privateSourcesText,
  proxyLinesIn,
} from '../../src/fetch/private-apt-sources.ts';
import { updateOutcome } from '../../src/fetch/private-apt-update.ts';
import { tempDir } from '../helpers/run-emb.ts';

const scratch: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  scratch.push(dir);
  return dir;
}
after(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The host's debian.sources as Debian's container images ship it (snapshot URLs in comments). */
const hostDeb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;
const thirdParty = `Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/nodesource.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://ftp.de.debian.org/debian
Suites: trixie
Components: main
Enabled: no
`;

describe('the host sources', () => {
  test('deb822: deb stanzas with their URIs, suites and keyring; deb-src and Enabled: no left out', () => {
    assert.deepEqual(parseDeb822Sources(hostDeb822), [
      {
        uris: ['http://deb.debian.org/debian'],
        suites: ['bookworm', 'bookworm-updates'],
        signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      },
      {
        uris: ['http://deb.debian.org/debian-security'],
        suites: ['bookworm-security'],
        signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      },
    ]);
    assert.deepEqual(parseDeb822Sources(thirdParty), [
      { uris: ['https://deb.nodesource.com/node_20.x'], suites: ['nodistro'], signedBy: '/usr/share/keyrings/nodesource.gpg' },
    ]);
  });

  test('deb822: an inline key (continuation lines) is carried over whole', () => {
    const text =
      'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n';
    assert.equal(parseDeb822Sources(text)[0]?.signedBy, '\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc');
  });

  test('one-line: options, comments, deb-src', () => {
    const rows: { in: string; want: ReturnType<typeof parseOneLineSources> }[] = [
      { in: 'deb http://deb.debian.org/debian bookworm main', want: [{ uris: ['http://deb.debian.org/debian'], suites: ['bookworm'] }] },
      {
        in: 'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.debian.org/debian-security bookworm-security main # x',
        want: [
          {
            uris: ['http://security.debian.org/debian-security'],
            suites: ['bookworm-security'],
            signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
          },
        ],
      },
      { in: 'deb-src http://deb.debian.org/debian bookworm main', want: [] },
      { in: '# deb http://deb.debian.org/debian bookworm main', want: [] },
      {
        in: 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main',
        want: [{ uris: ['https://packages.cloud.google.com/apt'], suites: ['cloud-sdk-bookworm'] }],
      },
    ];
    for (const row of rows) assert.deepEqual(parseOneLineSources(row.in), row.want, `parseOneLineSources(${row.in})`);
  });

  test('Debian archives are told from third parties by a "debian" or "debian-security" path segment', () => {
    const rows: [string, boolean][] = [
      ['http://deb.debian.org/debian', true],
      ['http://deb.debian.org/debian/', true],
      ['http://security.debian.org/debian-security', true],
      ['http://snapshot.debian.org/archive/debian/20250520T000000Z', true],
      ['https://deb.nodesource.com/node_20.x', false],
      ['https://packages.cloud.google.com/apt', false],
      ['not a url', false],
    ];
    for (const [uri, want] of rows) assert.equal(isDebianArchiveUri(uri), want, `isDebianArchiveUri(${uri})`);
  });

  test('Debian sources: one per archive and keyring, suites merged, sorted', () => {
    const sources = [
      ...parseOneLineSources('deb http://deb.debian.org/debian/ bookworm main\ndeb http://deb.debian.org/debian bookworm-updates main'),
      ...parseDeb822Sources(thirdParty),
    ];
    assert.deepEqual(debianSourcesOf(sources), [{ uris: ['http://deb.debian.org/debian'], suites: ['bookworm', 'bookworm-updates'] }]);
  });
});

describe('the private configuration', () => {
  const dir = '/cache/apt-private';

  test('sources: the host mirror and suites, every component, emb arches, the host keyring', () => {
    assert.equal(
      privateSourcesText(debianSourcesOf(parseDeb822Sources(hostDeb822))),
      [
        "# Written by emb from the host's apt sources: rewritten by every run, do not edit.",
        '',
        'Types: deb',
        'URIs: http://deb.debian.org/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main contrib non-free non-free-firmware',
        'Architectures: amd64 arm64 armhf',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'URIs: http://deb.debian.org/debian-security',
        'Suites: bookworm-security',
        'Components: main contrib non-free non-free-firmware',
        'Architectures: amd64 arm64 armhf',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
      ].join('\n'),
    );
  });

  test("apt.conf: every directory apt writes is emb's; the host's apt.conf.d is not read; keyrings are the host's", () => {
    const conf = privateAptConf({ dir, sandboxUser: 'builder', proxyLines: [] });
    const settings = new Map(
      conf
        .split('\n')
        .map((line) => /^(\S+) "(.*)";$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], match[2]]),
    );
    for (const key of [
      'Dir::Etc::parts',
      'Dir::Etc::sourceparts',
      'Dir::Etc::preferencesparts',
      'Dir::State',
      'Dir::State::lists',
      'Dir::State::status',
      'Dir::Cache',
      'Dir::Log',
    ]) {
      assert.ok(settings.get(key)?.startsWith(`${dir}/`), `${key} = ${settings.get(key)}`);
    }
    for (const key of ['Dir::Etc::main', 'Dir::Etc::sourcelist', 'Dir::Etc::preferences'])
      assert.equal(settings.get(key), '/dev/null', key);
    assert.equal(settings.get('Dir::Etc::trustedparts'), '/etc/apt/trusted.gpg.d');
    assert.equal(settings.get('APT::Sandbox::User'), 'builder');
    assert.match(conf, /^APT::Architectures \{ "amd64"; "arm64"; "armhf"; \};$/m);
    assert.doesNotMatch(conf, /Proxy/);
  });

  test("the host's proxy is kept, and nothing else of its configuration", () => {
    const dump = [
      'APT::Update::Post-Invoke-Success:: "appstreamcli refresh-cache";',
      'Acquire::http::Proxy "http://proxy.example:3128/";',
      'Acquire::https::Proxy "DIRECT";',
      'Acquire::http::Proxy::deb.debian.org "DIRECT";',
      'Acquire::GzipIndexes "true";',
    ].join('\n');
    const lines = proxyLinesIn(dump);
    assert.deepEqual(lines, [
      'Acquire::http::Proxy "http://proxy.example:3128/";',
      'Acquire::https::Proxy "DIRECT";',
      'Acquire::http::Proxy::deb.debian.org "DIRECT";',
    ]);
    const conf = privateAptConf({ dir, sandboxUser: 'root', proxyLines: lines });
    for (const line of lines) assert.ok(conf.includes(`\n${line}\n`), line);
    assert.doesNotMatch(conf, /Post-Invoke/);
  });

  test('a value that would end its quotes early is refused', () => {
    assert.throws(() => privateAptConf({ dir: '/cache/"x', sandboxUser: 'root', proxyLines: [] }), /internal: .* cannot be written/);
  });
});

/** A host /etc/apt: the deb822 file, a one-line file, a disabled file and a third party. */
async function hostAptDir(debianSources = hostDeb822): Promise<string> {
  const host = await scratchDir('host-apt');
  await mkdir(join(host, 'sources.list.d'));
  await writeFile(join(host, 'sources.list.d', 'debian.sources'), debianSources);
  await writeFile(join(host, 'sources.list.d', 'nodesource.sources'), thirdParty);
  await writeFile(join(host, 'sources.list.d', 'google.list.disabled-by-farm'), 'deb http://deb.debian.org/debian sid main\n');
  return host;
}

describe('writing the configuration', () => {
  test("files under the cache's apt-private/, the host's folder only read; apt reads the result", async () => {
    const cache = await scratchDir('private-apt-cache');
    const host = await hostAptDir();
    const { apt, configKey } = await writePrivateAptConfig(cache, { hostAptDir: host, hostConfigDump: '' });
    assert.equal(apt.configFile, join(cache, 'apt-private', 'apt.conf'));
    assert.equal(apt.env.APT_CONFIG, apt.configFile);
    const sources = await readFile(join(cache, 'apt-private', 'sources.list.d', 'debian.sources'), 'utf8');
    assert.match(sources, /^Suites: bookworm bookworm-updates$/m);
    assert.doesNotMatch(sources, /sid|nodesource/);
    assert.equal(await readFile(join(cache, 'apt-private', 'status'), 'utf8'), '');
    // apt-config parses the file as apt-get will, and every directory resolves into the cache.
    const dump = await execa('apt-config', ['dump'], { env: apt.env });
    assert.match(dump.stdout, new RegExp(`^Dir::State::lists "${join(cache, 'apt-private', 'lists')}";$`, 'm'));
    assert.match(dump.stdout, new RegExp(`^Dir::Etc::parts "${join(cache, 'apt-private', 'apt.conf.d')}";$`, 'm'));
    assert.doesNotMatch(dump.stdout, /Post-Invoke/, "the host's apt.conf.d hooks are not read");
    const again = await writePrivateAptConfig(cache, { hostAptDir: host, hostConfigDump: '' });
    assert.equal(again.configKey, configKey, 'the same host gives the same configuration');
  });

  test('a host without a Debian source is one line naming its folder and what to do', async () => {
    const cache = await scratchDir('private-apt-cache');
    const host = await hostAptDir('Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n');
    await assert.rejects(writePrivateAptConfig(cache, { hostAptDir: host, hostConfigDump: '' }), (error: unknown) => {
      assert.ok(error instanceof EmbError);
      assert.match(
        error.message,
        new RegExp(`^the host's apt sources \\(${host}/sources.list, ${host}/sources.list.d/\\) list no Debian archive`),
      );
      assert.match(error.hint ?? '', /add a Debian mirror/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, /\n/);
      return true;
    });
  });
});

test('an apt-get update outcome: any E: line fails it, and names the indexes it could not fetch', () => {
  const midSync =
    'E: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz  File has unexpected size (334084 != 354640). Mirror sync in progress? [IP: 1.2.3.4 80]\n   Hashes of expected file:\nE: Some index files failed to download. They have been ignored, or old ones used instead.';
  assert.deepEqual(updateOutcome({ exitCode: 0, stdout: 'Hit:1 …', stderr: '' }, 1000), { ok: true, failed: [], reason: '' });
  const failed = updateOutcome({ exitCode: 100, stdout: '', stderr: midSync }, 1000);
  assert.equal(failed.ok, false);
  assert.deepEqual(failed.failed, ['http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz']);
  assert.equal(updateOutcome({ exitCode: 0, stdout: '', stderr: 'W: x\nE: Release file expired' }, 1000).reason, 'Release file expired');
  assert.equal(updateOutcome({ timedOut: true, stdout: '', stderr: '' }, 180_000).reason, 'no answer within 180 s');
});

describe('the update policy (a stand-in apt-get)', () => {
  const failedIndex = 'http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz';

  /**
   * A stand-in apt-get appending each call to calls.log. STANDIN_MODE: ok, midsync (every
   * try fails one index), midsync-once (the first try only), hang. `ok` writes a Packages list.
   */
  async function setup(mode: string): Promise<{ cache: string; host: string; aptGet: string; calls: () => Promise<string[]> }> {
    const cache = await scratchDir('private-apt-cache');
    const host = await hostAptDir();
    const aptGet = join(cache, 'apt-get');
    const lists = join(cache, 'apt-private', 'lists');
    await writeFile(
      aptGet,
      `#!/bin/sh
echo "$*" >> "${cache}/calls.log"
tries=$(wc -l < "${cache}/calls.log")
case "${mode}" in
  hang) exec sleep 30 ;;
  midsync) echo "E: Failed to fetch ${failedIndex}  File has unexpected size (334084 != 354640). Mirror sync in progress?" >&2; exit 100 ;;
  midsync-once) if [ "$tries" -eq 1 ]; then echo "E: Failed to fetch ${failedIndex}  Mirror sync in progress?" >&2; exit 100; fi ;;
esac
touch "${lists}/deb.debian.org_debian_dists_bookworm_non-free-firmware_binary-arm64_Packages.xz"
`,
    );
    await chmod(aptGet, 0o755);
    const calls = async () => (await readFile(join(cache, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return { cache, host, aptGet, calls };
  }

  test('a mirror mid-sync is tried again; fresh lists are not fetched again for a day; refresh and a new mirror fetch them', async () => {
    const { cache, host, aptGet, calls } = await setup('midsync-once');
    const warnings: string[] = [];
    const base = { hostAptDir: host, hostConfigDump: '', aptGet, pauseMs: 10, warn: (line: string) => warnings.push(line) };
    const start = Date.UTC(2025, 0, 1);
    const apt = await preparePrivateApt(cache, { ...base, now: () => start });
    assert.deepEqual(await calls(), ['update -q', 'update -q']);
    assert.deepEqual(warnings, []);
    assert.ok(await hasPackageLists(apt));
    await preparePrivateApt(cache, { ...base, now: () => start + 23 * 3600_000 });
    assert.equal((await calls()).length, 2, 'less than a day: no update');
    await preparePrivateApt(cache, { ...base, now: () => start + 23 * 3600_000, refresh: true });
    assert.equal((await calls()).length, 3, 'refresh: an update');
    await preparePrivateApt(cache, { ...base, now: () => start + 48 * 3600_000 });
    assert.equal((await calls()).length, 4, 'older than a day: an update');
    await preparePrivateApt(cache, {
      ...base,
      hostAptDir: await hostAptDir(hostDeb822.replace('bookworm-updates', 'bookworm-backports')),
      now: () => start + 48 * 3600_000,
    });
    assert.equal((await calls()).length, 5, 'another host configuration: an update');
    await preparePrivateApt(cache, { ...base, offline: true, now: () => start + 480 * 3600_000 });
    assert.equal((await calls()).length, 5, 'offline: never an update');
  });

  test('an index that keeps failing: one warning naming it, the lists there are used, tried again after an hour', async () => {
    const { cache, host, aptGet, calls } = await setup('midsync');
    await mkdir(join(cache, 'apt-private', 'lists'), { recursive: true });
    await writeFile(join(cache, 'apt-private', 'lists', 'deb.debian.org_debian_dists_bookworm_main_binary-arm64_Packages.xz'), '');
    const warnings: string[] = [];
    const base = { hostAptDir: host, hostConfigDump: '', aptGet, pauseMs: 10, warn: (line: string) => warnings.push(line) };
    const start = Date.UTC(2025, 0, 1);
    await preparePrivateApt(cache, { ...base, now: () => start });
    assert.equal((await calls()).length, 3, 'three tries');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      new RegExp(
        `^emb: warning: apt-get update of emb's private apt could not fetch ${failedIndex.replaceAll('.', '\\.')} after 3 tries \\(mirror mid-sync\\?\\); going on with the lists in `,
      ),
    );
    await preparePrivateApt(cache, { ...base, now: () => start + 30 * 60_000 });
    assert.equal((await calls()).length, 3, 'within the hour: no update');
    await preparePrivateApt(cache, { ...base, now: () => start + 61 * 60_000 });
    assert.equal((await calls()).length, 6, 'after an hour: three tries again');
  });

  test('no lists at all after every try, or offline before any: one line saying what to do', async () => {
    const { cache, host, aptGet } = await setup('midsync');
    const base = { hostAptDir: host, hostConfigDump: '', aptGet, pauseMs: 10, tries: 2 };
    await assert.rejects(preparePrivateApt(cache, base), (error: unknown) => {
      assert.ok(error instanceof EmbError);
      assert.match(error.message, /^apt-get update of emb's private apt \(.*apt\.conf\) failed after 2 tries: Failed to fetch /);
      assert.match(error.hint ?? '', /reaches the Debian mirror/);
      return true;
    });
    await assert.rejects(
      preparePrivateApt(cache, { ...base, offline: true }),
      /^EmbError: --offline: emb's private apt lists \(.*\) were never fetched/,
    );
  });

  test('a hung apt-get is stopped at the time limit', async () => {
    const { cache, host, aptGet } = await setup('hang');
    const started = Date.now();
    await assert.rejects(
      preparePrivateApt(cache, { hostAptDir: host, hostConfigDump: '', aptGet, tries: 1, timeoutMs: 300 }),
      /failed after 1 try: no answer within 0.3 s/,
    );
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  });
});
