/**
 * The base package set, built for aarch64 and armhf with the host toolchain through the
 * real CLI (`emb package build`). Every ELF file in every artifact must carry the
 * target's machine type, and no header, static library, pkg-config file, man page or
 * doc may reach an artifact's runtime part. Uses the shared cache, like the other e2e
 * tests, so a later `emb build` of the default board finds these builds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readArtifact } from '../../src/build/artifact.ts';
import { isDevPath } from '../../src/build/output-filter.ts';
import { isElf, readElfHeader } from '../../src/elf/index.ts';
import { archInfoOf } from '../../src/plan/arch-info.ts';
import type { Arch } from '../../src/schema/board.ts';
import { runEmb } from '../helpers/run-emb.ts';

export const baseSet = ['busybox', 'runit', 'glibc', 'libgcc', 'dropbear', 'e2fsprogs', 'boinc-client', 'node-exporter'];

/** "aarch64/busybox 1.37.0: built from …" followed by "  artifact: <path>". */
function artifactsOf(stdout: string): Map<string, string> {
  const found = new Map<string, string>();
  const lines = stdout.split('\n');
  for (const [index, line] of lines.entries()) {
    const id = /^(\S+\/\S+) \S+: (?:built|cached) from /.exec(line)?.[1];
    const path = /^ {2}artifact: (\S+)$/.exec(lines[index + 1] ?? '')?.[1];
    if (id && path) found.set(id, path);
  }
  return found;
}

for (const arch of ['aarch64', 'armhf'] as Arch[]) {
  test(`the base set builds for ${arch}; every ELF file is ${arch}; no dev files`, { timeout: 30 * 60_000 }, async () => {
    const result = await runEmb(['package', 'build', ...baseSet, '--arch', arch]);
    assert.equal(result.exitCode, 0, `emb package build failed:\n${result.stdout}\n${result.stderr}`);
    const artifacts = artifactsOf(String(result.stdout));
    // The set and what it depends on: libxcrypt comes with dropbear; curl, OpenSSL (its
    // libraries, and its headers to build curl against) and zlib with boinc-client.
    const dependencies = ['libxcrypt', 'curl', 'openssl', 'openssl-headers', 'zlib'];
    assert.deepEqual([...artifacts.keys()].map((id) => id.split('/')[1]).sort(), [...baseSet, ...dependencies].sort());
    const machine = archInfoOf(arch).elfMachine;
    let elfFiles = 0;
    for (const [id, path] of artifacts) {
      const entries = await readArtifact(path);
      // A package of headers alone (openssl-headers) has its files in the dev part only.
      const devEntries = await readArtifact(path.replace(/\.tar$/, '.dev.tar'));
      assert.ok(
        [...entries, ...devEntries].some((entry) => entry.type === 'file'),
        `${id} has files`,
      );
      for (const entry of entries) {
        assert.ok(!isDevPath(entry.path), `${id}: dev file ${entry.path} is in the runtime artifact`);
        assert.ok(!/\/(man|doc|info)\//.test(entry.path), `${id}: ${entry.path} is documentation`);
        if (entry.type !== 'file' || !isElf(entry.data)) continue;
        elfFiles++;
        assert.equal(
          readElfHeader(entry.data, entry.path).machine,
          machine,
          `${id}: ${entry.path} has ELF machine ${readElfHeader(entry.data, entry.path).machine}, want ${machine} (${arch})`,
        );
      }
    }
    assert.ok(elfFiles >= 20, `found ${elfFiles} ELF files`);
  });
}
