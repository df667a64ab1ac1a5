import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChosenSource } from '../../src/fetch/choose-source.ts';
import { keyPackages } from '../../src/fetch/key-packages.ts';
import { planPackageNodes } from '../../src/plan/package-plan.ts';

/** A stand-in source: keys depend only on its identity, and nothing is fetched. */
const source = (identity: string): ChosenSource =>
  ({
    kind: 'tarball',
    source: { kind: 'tarball', url: 'https://example.invalid/x.tar', sha256: '0'.repeat(64) },
    file: '/nonexistent',
    identity,
    from: 'test',
  }) as ChosenSource;

test('keyPackages: each package carries the keys of all its dependencies, direct or not, in build order (its sysroot)', async () => {
  // dropbear -> libxcrypt, glibc; libxcrypt -> glibc: real recipes, stand-in sources.
  const nodes = await planPackageNodes([{ arch: 'aarch64', packages: ['dropbear'] }]);
  const keyed = await keyPackages(
    nodes,
    nodes.map((node) => source(node.id)),
    { id: async () => 'toolchain-1' },
  );
  const keyOf = new Map(keyed.map((pkg) => [pkg.id, pkg.key]));
  const dropbear = keyed.find((pkg) => pkg.id === 'aarch64/dropbear');
  assert.ok(dropbear, 'dropbear is planned');
  const want = nodes.filter((node) => node.id !== 'aarch64/dropbear').map((node) => keyOf.get(node.id));
  assert.ok(want.length >= 2, `dropbear has dependencies (${want.length})`);
  assert.deepEqual(dropbear.sysrootKeys, want, 'the sysroot is every dependency, not empty');
  for (const pkg of keyed) {
    assert.equal(pkg.sysrootKeys.length, new Set(pkg.sysrootKeys).size, `${pkg.id}: no key twice`);
    assert.ok(!pkg.sysrootKeys.includes(pkg.key), `${pkg.id}: not its own dependency`);
  }
});

test('keyPackages: a changed dependency changes the keys of what depends on it, and the toolchain id keys only compiled packages', async () => {
  const nodes = await planPackageNodes([{ arch: 'aarch64', packages: ['dropbear'] }]);
  const base = await keyPackages(
    nodes,
    nodes.map((node) => source(node.id)),
    { id: async () => 'toolchain-1' },
  );
  const changed = await keyPackages(
    nodes,
    nodes.map((node) => source(node.id === 'aarch64/glibc' ? 'glibc-2' : node.id)),
    { id: async () => 'toolchain-1' },
  );
  for (const [index, pkg] of base.entries()) assert.notEqual(pkg.key, changed[index]?.key, `${pkg.id} follows glibc`);
  const otherToolchain = await keyPackages(
    nodes,
    nodes.map((node) => source(node.id)),
    { id: async () => 'toolchain-2' },
  );
  assert.notEqual(otherToolchain.at(-1)?.key, base.at(-1)?.key, 'a tarball build is keyed by its toolchain');
});
