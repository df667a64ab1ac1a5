/**
 * The image key sees every input, and the image does not depend on the builder's
 * umask. Each test builds the default board with the shared package cache (or a
 * private copy of it) and a rootfiles/ or boards/ copy, so the repository is never
 * touched.
 */
import assert from 'node:assert/strict';
import { cp, link, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { readArtifactMeta } from '../../src/build/artifact-store.ts';
import { cacheDir, projectRoot } from '../../src/paths.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const UP_TO_DATE = /up to date, nothing rebuilt/;

function assertBuilt(result: { exitCode?: number; stdout: unknown; stderr: unknown }, what: string): void {
  assert.equal(result.exitCode, 0, `${what} failed:\n${String(result.stdout)}\n${String(result.stderr)}`);
  assert.match(String(result.stdout), /\bwritten in /, `${what}: the image is rebuilt, not found up to date:\n${String(result.stdout)}`);
}

interface ManifestFile {
  path: string;
  type: string;
  mode: string;
}

async function manifestFiles(outRoot: string): Promise<ManifestFile[]> {
  return (JSON.parse(await readFile(join(outRoot, 'qemu-aarch64', 'manifest.json'), 'utf8')) as { files: ManifestFile[] }).files;
}

test('removing a symlink in rootfiles (disabling a service) rebuilds the image', { timeout: 20 * 60_000 }, async () => {
  const rootfiles = join(await tempDir('rootfiles'), 'rootfiles');
  await cp(join(projectRoot, 'rootfiles'), rootfiles, { recursive: true, verbatimSymlinks: true });
  const env = { EMB_ROOTFILES_DIR: rootfiles };
  const outRoot = await tempDir('dist');
  assertBuilt(await runEmb(['build', '--out', outRoot], env), 'the first build');
  assert.ok((await manifestFiles(outRoot)).some((file) => file.path === '/etc/service/ntpd' && file.type === 'symlink'));
  const again = await runEmb(['build', '--out', outRoot], env);
  assert.match(String(again.stdout), UP_TO_DATE, 'nothing changed: up to date');

  await rm(join(rootfiles, 'etc', 'service', 'ntpd'));
  assertBuilt(await runEmb(['build', '--out', outRoot], env), 'the build after removing /etc/service/ntpd');
  assert.ok(!(await manifestFiles(outRoot)).some((file) => file.path === '/etc/service/ntpd'), 'the service link is gone from the image');

  // Pointing a link elsewhere is a change too.
  await symlink('/etc/sv/ntpd', join(rootfiles, 'etc', 'service', 'ntpd'));
  await rm(join(rootfiles, 'etc', 'service', 'console'));
  await symlink('/etc/sv/ntpd', join(rootfiles, 'etc', 'service', 'console'));
  assertBuilt(await runEmb(['build', '--out', outRoot], env), 'the build after retargeting /etc/service/console');
});

test('changing a module the board file imports rebuilds the image', { timeout: 20 * 60_000 }, async () => {
  // Boards import ../src/define.ts and are ES modules: mirror the project's layout.
  const root = await tempDir('project');
  const boards = join(root, 'boards');
  await mkdir(boards);
  await symlink(join(projectRoot, 'src'), join(root, 'src'));
  // The board's own imports (the shared package and module lists) come along.
  await cp(join(projectRoot, 'boards', 'common'), join(boards, 'common'), { recursive: true });
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  const board = await readFile(join(projectRoot, 'boards', 'qemu-aarch64.ts'), 'utf8');
  assert.match(board, /^ {2}hostname: 'emb-qemu',$/m);
  await writeFile(
    join(boards, 'qemu-aarch64.ts'),
    `import { siteHostname } from './lib/site.ts';\n${board.replace(/^ {2}hostname: 'emb-qemu',$/m, '  hostname: siteHostname,')}`,
  );
  await mkdir(join(boards, 'lib'));
  await writeFile(join(boards, 'lib', 'site.ts'), "export { siteHostname } from './names.ts';\n");
  await writeFile(join(boards, 'lib', 'names.ts'), "export const siteHostname = 'emb-site-a';\n");
  const env = { EMB_BOARDS_DIR: boards };
  const outRoot = await tempDir('dist');
  assertBuilt(await runEmb(['build', '--out', outRoot], env), 'the first build');
  const first = await readFile(join(outRoot, 'qemu-aarch64', 'initramfs.zst'));
  assert.match(String((await runEmb(['build', '--out', outRoot], env)).stdout), UP_TO_DATE, 'nothing changed: up to date');

  // A module two imports away: the board file itself is unchanged.
  await writeFile(join(boards, 'lib', 'names.ts'), "export const siteHostname = 'emb-site-b';\n");
  assertBuilt(await runEmb(['build', '--out', outRoot], env), 'the build after changing boards/lib/names.ts');
  assert.ok(!first.equals(await readFile(join(outRoot, 'qemu-aarch64', 'initramfs.zst'))), 'the new image differs');
});

/** A copy of `from` as `git checkout` under `umask` would leave it: modes from the exec bit and the umask. */
async function copyAsCheckout(from: string, to: string, umask: number): Promise<void> {
  await mkdir(to, { mode: 0o777 & ~umask });
  for (const name of await readdir(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const info = await lstat(source);
    if (info.isSymbolicLink()) await symlink(await readlink(source), target);
    else if (info.isDirectory()) await copyAsCheckout(source, target, umask);
    else await writeFile(target, await readFile(source), { mode: (info.mode & 0o100 ? 0o777 : 0o666) & ~umask });
  }
}

/**
 * A private cache holding the shared one's downloads, apt memo and compiled packages
 * (hard links), but not its Debian binary imports or unpacked kernels: those are made
 * again by the build under test, under its umask. Compiled packages come from the
 * shared cache; test/unit/artifact-modes.test.ts proves a staging tree made under
 * umask 077 stores the same artifact as one made under 022.
 */
async function privateCache(): Promise<string> {
  const shared = cacheDir();
  const cache = await tempDir('cache');
  await execa('cp', ['-al', join(shared, 'downloads'), join(shared, 'apt-index'), cache]);
  await mkdir(join(cache, 'artifacts'));
  for (const name of await readdir(join(shared, 'artifacts'))) {
    const match = /^([0-9a-f]{64})\.json$/.exec(name);
    if (!match) continue;
    const meta = await readArtifactMeta(join(shared, 'artifacts', name));
    if (!meta || meta.source.kind === 'debian-binary') continue;
    const files = [`${match[1]}.tar`, `${match[1]}.dev.tar`, name];
    if (
      !(
        await Promise.all(
          files.map((file) =>
            lstat(join(shared, 'artifacts', file)).then(
              () => true,
              () => false,
            ),
          ),
        )
      ).every(Boolean)
    )
      continue;
    for (const file of files) await link(join(shared, 'artifacts', file), join(cache, 'artifacts', file));
  }
  return cache;
}

test('a build under umask 077 gives the same initramfs.zst as one under umask 022', { timeout: 30 * 60_000 }, async () => {
  // Fills the shared cache first, so the private copies have every download and compiled package.
  const warm = await runEmb(['build', '--out', await tempDir('dist')]);
  assert.equal(warm.exitCode, 0, String(warm.stderr));

  const images: Record<string, Buffer> = {};
  const manifests: Record<string, ManifestFile[]> = {};
  for (const umask of [0o077, 0o022]) {
    const label = umask.toString(8).padStart(3, '0');
    const rootfiles = join(await tempDir(`rootfiles-${label}`), 'rootfiles');
    await copyAsCheckout(join(projectRoot, 'rootfiles'), rootfiles, umask);
    const outRoot = await tempDir(`dist-${label}`);
    const result = await execa(
      'sh',
      [
        '-c',
        `umask ${label}; exec "$@"`,
        'sh',
        process.execPath,
        join(projectRoot, 'bin', 'emb.js'),
        'build',
        '--offline',
        '--out',
        outRoot,
      ],
      {
        cwd: projectRoot,
        env: { CI: 'true', EMB_TOOLCHAIN: 'host', EMB_CACHE_DIR: await privateCache(), EMB_ROOTFILES_DIR: rootfiles },
        reject: false,
        timeout: 20 * 60_000,
      },
    );
    assert.equal(result.exitCode, 0, `build under umask ${label} failed:\n${result.stdout}\n${result.stderr}`);
    assert.match(String(result.stdout), /built now: .*glibc/, 'the Debian imports were made again under this umask');
    images[label] = await readFile(join(outRoot, 'qemu-aarch64', 'initramfs.zst'));
    manifests[label] = await manifestFiles(outRoot);
  }
  const modes = (files: ManifestFile[]): Map<string, string> => new Map(files.map((file) => [file.path, `${file.type} ${file.mode}`]));
  const strict = modes(manifests['077']!);
  const usual = modes(manifests['022']!);
  const differing = [...usual]
    .filter(([path, mode]) => strict.get(path) !== mode)
    .map(([path, mode]) => `${path}: ${strict.get(path)} under 077, ${mode} under 022`);
  assert.deepEqual(differing, [], 'every entry has the same type and mode');
  for (const path of ['/usr/bin', '/usr/lib', '/lib/aarch64-linux-gnu', '/etc/sv'])
    assert.equal(strict.get(path), 'dir 0755', `${path} under umask 077`);
  assert.ok(images['077']!.equals(images['022']!), 'initramfs.zst is byte-identical');
});
