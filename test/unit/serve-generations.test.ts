/**
 * emb serve over a tree that emb pxe switches to a new generation (src/fs/generations.ts):
 * the server resolves the tree's link per request, so it serves the new files once the
 * link moves, and never the removed old generation's (a server that resolved the link
 * once at start would answer 404 for everything after the first update).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { publishGeneration } from '../../src/fs/generations.ts';
import { createTreeServer } from '../../src/serve/tree-server.ts';
import { httpGet } from '../helpers/http-get.ts';
import { tempDir } from '../helpers/run-emb.ts';

test('the tree server follows the tree to its new generation', async () => {
  const root = await tempDir('serve-gen');
  const tree = join(root, 'tree');
  await publishGeneration(tree, (dir) => writeFile(join(dir, 'boot.ipxe'), 'one'), { faultPrefix: 'unit' });
  const server = createTreeServer(tree, () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.deepEqual(await httpGet(`${url}/boot.ipxe`, 10_000), { status: 200, body: 'one' });
    await publishGeneration(
      tree,
      async (dir) => {
        await writeFile(join(dir, 'boot.ipxe'), 'two');
        await symlink('/etc/passwd', join(dir, 'out'));
      },
      { faultPrefix: 'unit' },
    );
    assert.deepEqual(await httpGet(`${url}/boot.ipxe`, 10_000), { status: 200, body: 'two' });
    assert.equal((await httpGet(`${url}/out`, 10_000))?.status, 403, 'a link out of the tree is still refused');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
