/**
 * Kernel config fragments (src/kernel/source/kernel-config.ts) and the real fragments
 * in kernel-configs/: parsing, merge order, the KCONFIG_ALLCONFIG text, and the check
 * that names every setting Kconfig did not keep, with its file and line.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isEmbError } from '../../src/errors.ts';
import {
  allConfigText,
  mergeConfigRequests,
  parseConfigFragment,
  parseDotConfig,
  unmetConfigRequests,
} from '../../src/kernel/source/kernel-config.ts';
import { boardConfigRequests } from '../../src/kernel/source/source-kernel.ts';
import { archInfoOf } from '../../src/plan/arch-info.ts';
import { kernelConfigsDir } from '../../src/paths.ts';

test('a fragment reads assignments, "is not set" lines and comments, with line numbers', () => {
  const text = '# comment\nCONFIG_A=y\n\n# CONFIG_B is not set\nCONFIG_C="text"\nCONFIG_D=n\nCONFIG_E=64\n';
  assert.deepEqual(
    parseConfigFragment(text, 'f.config').map((r) => [r.symbol, r.value, r.line]),
    [
      ['CONFIG_A', 'y', 2],
      ['CONFIG_B', 'n', 4],
      ['CONFIG_C', '"text"', 5],
      ['CONFIG_D', 'n', 6],
      ['CONFIG_E', '64', 7],
    ],
  );
});

test('a line that is not a config line is refused with its file and line', () => {
  assert.throws(
    () => parseConfigFragment('CONFIG_A=y\nVIRTIO=y\n', 'kernel-configs/x.config'),
    (error: unknown) => isEmbError(error) && /^kernel-configs\/x\.config:2: "VIRTIO=y" is not a kernel config line$/.test(error.message),
  );
  assert.throws(() => parseConfigFragment('CONFIG_A=\n', 'f'), /f:1/);
});

test('later fragments override earlier ones, and the override is what the check names', () => {
  const merged = mergeConfigRequests([
    parseConfigFragment('CONFIG_A=y\nCONFIG_B=y\n', 'common.config'),
    parseConfigFragment('CONFIG_A=m\n', 'boards/x.config'),
  ]);
  assert.equal(allConfigText(merged), 'CONFIG_B=y\nCONFIG_A=m\n');
  const unmet = unmetConfigRequests(merged, parseDotConfig('CONFIG_A=y\nCONFIG_B=y\n'));
  assert.deepEqual(unmet, ['boards/x.config:1: CONFIG_A=m is y']);
});

test('the check names settings Kconfig dropped, and accepts "n" for absent symbols', () => {
  const requests = parseConfigFragment('CONFIG_A=y\nCONFIG_GONE=y\nCONFIG_OFF=n\n# CONFIG_ALSO_OFF is not set\n', 'f');
  const resolved = parseDotConfig('CONFIG_A=y\n# CONFIG_ALSO_OFF is not set\n');
  assert.deepEqual(unmetConfigRequests(requests, resolved), [
    'f:2: CONFIG_GONE=y does not exist in this kernel or is hidden by an unmet dependency',
  ]);
  assert.equal(allConfigText(requests), 'CONFIG_A=y\nCONFIG_GONE=y\n# CONFIG_OFF is not set\n# CONFIG_ALSO_OFF is not set\n');
});

test('every fragment in kernel-configs/ parses and starts with a comment on what it is for', async () => {
  const files = [
    ...(await readdir(kernelConfigsDir)).filter((name) => name.endsWith('.config')),
    ...(await readdir(join(kernelConfigsDir, 'boards'))).map((name) => join('boards', name)),
  ];
  assert.ok(files.length >= 4, `fragments found: ${files.join(', ')}`);
  for (const file of files) {
    const text = await readFile(join(kernelConfigsDir, file), 'utf8');
    assert.match(text, /^# \S/, `${file} starts with a comment`);
    assert.ok(parseConfigFragment(text, file).length > 0, `${file} sets something`);
  }
});

test("the lean QEMU boards' fragments merge: virt's drivers built in, initramfs zstd only", async () => {
  const requests = await boardConfigRequests(
    { provider: 'source', package: 'linux-source-6.1', fragments: ['qemu-virt', 'qemu-virt-armhf'] },
    archInfoOf('armhf'),
  );
  const value = (symbol: string): string | undefined => requests.find((r) => r.symbol === symbol)?.value;
  assert.equal(value('CONFIG_VIRTIO_NET'), 'y');
  assert.equal(value('CONFIG_ARCH_VIRT'), 'y');
  assert.equal(value('CONFIG_AEABI'), 'y');
  assert.equal(value('CONFIG_RD_ZSTD'), 'y');
  assert.equal(value('CONFIG_RD_GZIP'), 'n');
  await assert.rejects(
    boardConfigRequests({ provider: 'source', package: 'linux-source-6.1', fragments: ['no-such'] }, archInfoOf('aarch64')),
    /kernel config fragment kernel-configs\/boards\/no-such\.config does not exist/,
  );
});
