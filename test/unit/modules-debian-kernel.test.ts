/**
 * indexModules and moduleClosure on Debian bookworm's real arm64 kernel package, checked
 * against kmod's depmod (modules.dep, modules.alias) run on the same tree. Debian does
 * not ship modules.dep in the package (postinst makes it), so the test runs depmod
 * itself (package kmod); without depmod it falls back to readelf for the closure check.
 *
 * The .deb is looked for in $EMB_KERNEL_DEB and the temp dir, and otherwise fetched with
 * `apt-get download` (needs `dpkg --add-architecture arm64` and apt-get update). When
 * none of that works the test skips and says why (under CI=true it fails).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { zstdCompressSync } from 'node:zlib';
import { execa } from 'execa';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import { canonicalAlias, indexModules, moduleClosure, modulesTotals, type ModuleIndex } from '../../src/kernel/modules/index.ts';
import { pruneModules } from '../../src/kernel/modules-layer.ts';

const DEB_NAME = /^linux-image-6\.1\.0-\d+-arm64_.*_arm64\.deb$/;
const WANTED = ['virtio_net', 'virtio_blk', 'virtio_pci'];

async function findKernelDeb(): Promise<{ deb?: string; reason: string }> {
  if (process.env.EMB_KERNEL_DEB) return { deb: process.env.EMB_KERNEL_DEB, reason: '' };
  const cached = (await readdir(tmpdir())).filter((f) => DEB_NAME.test(f)).sort();
  if (cached.length > 0) return { deb: path.join(tmpdir(), cached.at(-1)!), reason: '' };

  const depends = await execa('apt-cache', ['depends', 'linux-image-arm64:arm64'], { reject: false });
  const pkg = /Depends: (linux-image-6\.1\.0-\d+-arm64):arm64/.exec(depends.stdout ?? '')?.[1];
  if (pkg === undefined)
    return {
      reason:
        'no linux-image-6.1.0-*-arm64 .deb in the temp dir and apt-cache knows no linux-image-arm64:arm64 (add the arm64 architecture and run apt-get update)',
    };
  const download = await execa('apt-get', ['download', `${pkg}:arm64`], { cwd: tmpdir(), reject: false });
  const fetched = (await readdir(tmpdir())).filter((f) => DEB_NAME.test(f)).sort();
  if (download.exitCode !== 0 || fetched.length === 0)
    return { reason: `apt-get download ${pkg}:arm64 failed: ${download.stderr ?? ''}`.trim() };
  return { deb: path.join(tmpdir(), fetched.at(-1)!), reason: '' };
}

/** modules.dep as relPath → the relPaths it needs (all of them, transitively). */
function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      deps.set(
        line.slice(0, colon),
        line
          .slice(colon + 1)
          .split(' ')
          .filter(Boolean),
      );
  }
  return deps;
}

/** What depmod would write: only the relation the closure checks need, from `readelf -p .modinfo`. */
async function modulesDepFromReadelf(index: ModuleIndex, wanted: string[]): Promise<Map<string, string[]>> {
  const pathOf = new Map([...index.modules.values()].map((m) => [m.name, m.relPath]));
  const direct = async (relPath: string): Promise<string[]> => {
    const { stdout } = await execa('readelf', ['-p', '.modinfo', path.join(index.moduleRoot, relPath)]);
    const value = /\]\s+depends=(.*)$/m.exec(stdout)?.[1] ?? '';
    return value
      .split(',')
      .filter(Boolean)
      .map((name) => pathOf.get(name.replaceAll('-', '_'))!);
  };
  const deps = new Map<string, string[]>();
  for (const name of wanted) {
    const seen = new Set<string>();
    const queue = await direct(pathOf.get(name)!);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(await direct(next)));
    }
    deps.set(pathOf.get(name)!, [...seen]);
  }
  return deps;
}

let extractDir: string | undefined;
after(async () => {
  if (extractDir !== undefined) await rm(extractDir, { recursive: true, force: true });
});

/** The kernel package unpacked into a fresh temp dir (each test changes or adds files). */
async function unpackKernel(deb: string): Promise<{ extractDir: string; kver: string; moduleRoot: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emb-kernel-'));
  await execa('dpkg-deb', ['-x', deb, dir]);
  const kernelVersions = await readdir(path.join(dir, 'lib/modules'));
  assert.equal(kernelVersions.length, 1, `one kernel in ${deb}, found ${kernelVersions.join(', ')}`);
  const kver = kernelVersions[0]!;
  return { extractDir: dir, kver, moduleRoot: path.join(dir, 'lib/modules', kver) };
}

test('Debian arm64 kernel: index and virtio closure agree with depmod', { timeout: 300_000 }, async (t) => {
  const { deb, reason } = await findKernelDeb();
  if (deb === undefined) return skipOrFail(t, reason);

  const unpacked = await unpackKernel(deb);
  extractDir = unpacked.extractDir;
  const { kver, moduleRoot } = unpacked;

  const started = performance.now();
  const index = await indexModules(moduleRoot);
  const indexMs = performance.now() - started;
  t.diagnostic(`indexed ${index.modules.size} modules of ${path.basename(deb)} in ${indexMs.toFixed(0)} ms`);
  assert.ok(index.modules.size > 3000, `indexModules found ${index.modules.size} modules, want the whole tree (> 3000)`);
  assert.ok(index.builtin.has('virtio') && index.builtin.has('virtio_ring'), 'virtio and virtio_ring are built into Debian arm64 kernels');

  const hasDepmod = (await execa('depmod', ['-V'], { reject: false }).catch(() => undefined))?.exitCode === 0;
  let modulesDep: Map<string, string[]>;
  if (hasDepmod) {
    await execa('depmod', ['-b', extractDir, kver]);
    modulesDep = parseModulesDep(await readFile(path.join(moduleRoot, 'modules.dep'), 'utf8'));

    // The whole tree: every module depmod knows, with the same transitive dependencies.
    assert.deepEqual([...index.modules.values()].map((m) => m.relPath).sort(), [...modulesDep.keys()].sort());
    for (const record of index.modules.values()) {
      const want = [...modulesDep.get(record.relPath)!].sort();
      const seen = new Set<string>();
      const stack = [...record.info.depends];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        if (seen.has(name)) continue;
        seen.add(name);
        stack.push(...index.modules.get(name)!.info.depends);
      }
      const got = [...seen].map((name) => index.modules.get(name)!.relPath).sort();
      assert.deepEqual(got, want, `dependencies of ${record.relPath} = ${got.join(' ')}, modules.dep says ${want.join(' ')}`);
    }

    // Aliases: the same (alias, module) pairs as depmod's modules.alias.
    const aliasText = await readFile(path.join(moduleRoot, 'modules.alias'), 'utf8');
    const depmodPairs = aliasText
      .split('\n')
      .filter((l) => l.startsWith('alias '))
      .map((l) => {
        const [, alias, module] = l.split(' ');
        return `${canonicalAlias(alias!)} ${module}`;
      });
    const ourPairs = [...index.modules.values()].flatMap((m) => m.info.aliases.map((a) => `${canonicalAlias(a)} ${m.name}`));
    assert.deepEqual(new Set(ourPairs), new Set(depmodPairs));
  } else {
    t.diagnostic('depmod (kmod) is not installed: checking the closure against readelf only');
    modulesDep = await modulesDepFromReadelf(index, WANTED);
  }

  const closure = moduleClosure(index, WANTED);
  const order = closure.order.map((m) => m.relPath);
  const expected = new Set<string>();
  for (const name of WANTED) {
    const relPath = index.modules.get(name)!.relPath;
    expected.add(relPath);
    for (const dep of modulesDep.get(relPath)!) expected.add(dep);
  }
  // None of these three has softdeps in 6.1, so the closure is exactly what depmod lists.
  assert.deepEqual([...order].sort(), [...expected].sort());
  assert.ok(order.includes('kernel/drivers/net/net_failover.ko') && order.includes('kernel/net/core/failover.ko'));
  for (const [at, relPath] of order.entries()) {
    for (const dep of modulesDep.get(relPath) ?? []) {
      assert.ok(order.indexOf(dep) < at, `${dep} must load before ${relPath}; order = ${order.join(' ')}`);
    }
  }
  assert.deepEqual(closure.builtin, []);
  assert.deepEqual(closure.missing, []);

  const totals = modulesTotals(index, closure.order);
  t.diagnostic(`virtio closure: ${order.join(' ')}`);
  t.diagnostic(`kept ${totals.keptCount}/${totals.totalCount} modules, ${totals.keptBytes}/${totals.totalBytes} bytes`);
  assert.equal(totals.keptCount, expected.size);
  assert.equal(totals.totalCount, index.modules.size);

  // A softdep through an alias: ext4 wants `pre: crypto-crc32c`, which is crc32c_generic.
  const ext4 = moduleClosure(index, ['ext4']).order.map((m) => m.name);
  assert.ok(
    ext4.indexOf('crc32c_generic') >= 0 && ext4.indexOf('crc32c_generic') < ext4.indexOf('ext4'),
    `ext4 closure = ${ext4.join(' ')}`,
  );
});

test('Debian arm64 kernel with its modules compressed (.ko.xz, .ko.zst): the same index and closure, shipped as plain .ko', {
  timeout: 300_000,
}, async (t) => {
  const { deb, reason } = await findKernelDeb();
  if (deb === undefined) return skipOrFail(t, reason);
  const unpacked = await unpackKernel(deb);
  try {
    const { moduleRoot, kver } = unpacked;
    const plain = await indexModules(moduleRoot);
    const boot = ['virtio_pci', 'virtio_net', 'virtio_blk', 'ext4'];
    const optional = ['nfsv4', 'loop'];
    const plainKept = [
      ...new Set([...moduleClosure(plain, boot).order, ...optional.flatMap((name) => moduleClosure(plain, [name]).order)]),
    ];
    const plainBytes = new Map<string, Buffer>();
    for (const record of plainKept) plainBytes.set(record.relPath, await readFile(path.join(moduleRoot, record.relPath)));

    // As newer Debian kernels ship them: the boot closure and every 10th module by xz
    // (the CLI, many files a call), the optional closures by zstd; the rest stays plain.
    const bootClosure = new Set(moduleClosure(plain, boot).order.map((m) => m.relPath));
    const all = [...plain.modules.values()].map((m) => m.relPath);
    const byXz = all.filter((relPath, at) => bootClosure.has(relPath) || at % 10 === 0);
    const byZstd = [...plainBytes.keys()].filter((relPath) => !byXz.includes(relPath));
    for (let start = 0; start < byXz.length; start += 200) {
      await execa('xz', ['-0', '--check=crc32', ...byXz.slice(start, start + 200).map((relPath) => path.join(moduleRoot, relPath))]);
    }
    for (const relPath of byZstd) {
      const file = path.join(moduleRoot, relPath);
      await writeFile(`${file}.zst`, zstdCompressSync(await readFile(file)));
      await rm(file);
    }
    t.diagnostic(`compressed ${byXz.length} modules with xz and ${byZstd.length} with zstd`);

    const started = performance.now();
    const index = await indexModules(moduleRoot);
    t.diagnostic(
      `indexed ${index.modules.size} modules (${byXz.length + byZstd.length} compressed) in ${(performance.now() - started).toFixed(0)} ms`,
    );
    assert.deepEqual([...index.modules.keys()], [...plain.modules.keys()]);
    for (const record of index.modules.values()) {
      const before = plain.modules.get(record.name)!;
      assert.equal(record.relPath, before.relPath);
      assert.equal(record.size, before.size, `${record.relPath}: the size is the plain .ko's`);
      assert.deepEqual(record.info, before.info, `${record.relPath}: the same modinfo`);
    }
    assert.equal(index.modules.get('virtio_net')!.compression, 'xz');
    assert.equal(index.modules.get('nfsv4')!.compression, 'zst');

    const pruned = await pruneModules(
      { identity: { name: 'linux-image-test', version: '1', sha256: '0'.repeat(64) }, kver, imagePath: '', moduleRoot },
      boot,
      optional,
    );
    assert.deepEqual(
      pruned.layer.entries.map((entry) => entry.path).sort(),
      plainKept.map((record) => `/lib/modules/${kver}/${record.relPath}`).sort(),
      'the image holds .ko files only, at their plain paths',
    );
    for (const entry of pruned.layer.entries) {
      assert.ok(entry.type === 'file' && Buffer.isBuffer(entry.data));
      const want = plainBytes.get(entry.path.slice(`/lib/modules/${kver}/`.length))!;
      assert.ok(entry.data.equals(want), `${entry.path} holds the decompressed module`);
    }
    assert.ok(
      pruned.loadOrder.every((file) => file.endsWith('.ko')),
      `load order names .ko files: ${pruned.loadOrder.join(' ')}`,
    );
  } finally {
    await rm(unpacked.extractDir, { recursive: true, force: true });
  }
});
