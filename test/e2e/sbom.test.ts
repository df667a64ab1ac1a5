/**
 * `emb sbom` on a real build: sopine (a Debian kernel, modules chosen by its DTB, armhf
 * as an extra arch) built from the warm cache into a scratch output root, its SBOM
 * checked against the vendored CycloneDX 1.5 schema and against the build itself,
 * each fact found another way than emb sbom finds it: busybox's version and sha256 from
 * its recipe; every Debian package the build imported from, by dpkg-deb's own listing
 * of the cached .deb, is listed (with its version and sha256) exactly when its files
 * are in the image; the kernel from the manifest; the modules by reading the image.
 * amd64-nvidia (built as gpu-host.test.ts builds it, from the cache) adds firmware
 * files and a GPU driver with its own Debian packages and modules.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { cacheDir } from '../../src/paths.ts';
import { loadRecipe } from '../../src/plan/load-recipe.ts';
import { cycloneDx15Errors } from '../helpers/cyclonedx-schema.ts';
import { unpackedRecords } from '../helpers/initramfs-read.ts';
import { errorLines, filesUnder, runEmb, scratchDirs } from '../helpers/run-emb.ts';

const boardName = 'sopine';
const { scratch, removeAll } = scratchDirs();
const outRoot = await scratch('sbom');
const outDir = join(outRoot, boardName);
const sbomFile = join(outRoot, 'sopine.cdx.json');
after(removeAll);

interface BomComponent {
  'bom-ref': string;
  type: string;
  name: string;
  version?: string;
  hashes?: Array<{ alg: string; content: string }>;
  purl?: string;
  properties?: Array<{ name: string; value: string }>;
}

let manifest: Manifest;
let bom: { components: BomComponent[]; dependencies: Array<{ ref: string; dependsOn: string[] }> };
let sbomText: string;

before(async () => {
  // zstd-1: the SBOM does not depend on the level, and a cache without sopine's layers packs them in a second.
  const built = await runEmb(['build', '--board', boardName, '--out', outRoot, '--zstd-level', '1']);
  assert.equal(built.exitCode, 0, `emb build failed:\n${built.stdout}\n${built.stderr}`);
  const made = await runEmb(['sbom', '--board', boardName, '--dist', outRoot, '--out', sbomFile]);
  assert.equal(made.exitCode, 0, `emb sbom failed:\n${made.stdout}\n${made.stderr}`);
  assert.match(String(made.stdout), /CycloneDX 1\.5, \d+ packages, \d+ Debian packages, kernel linux-image-\S+, \d+ modules/);
  const read = await readManifest(outDir);
  assert.ok(read, 'the build left a manifest');
  manifest = read;
  sbomText = await readFile(sbomFile, 'utf8');
  bom = JSON.parse(sbomText);
});

const component = (ref: string): BomComponent | undefined => bom.components.find((entry) => entry['bom-ref'] === ref);
const sha256Of = (entry: BomComponent | undefined): string | undefined => entry?.hashes?.find((hash) => hash.alg === 'SHA-256')?.content;

test('the SBOM is valid CycloneDX 1.5 (the vendored JSON schema)', () => {
  assert.deepEqual(cycloneDx15Errors()(bom), []);
});

test("busybox: the recipe's version and the sha256 of the source it names", async () => {
  const { recipe } = await loadRecipe('busybox');
  const busybox = component('package:busybox');
  assert.equal(busybox?.version, recipe.version);
  const hashes = recipe.sources.flatMap((source) => (source.kind === 'debian-binary' ? [] : [source.sha256]));
  assert.ok(hashes.includes(sha256Of(busybox) ?? ''), `busybox's sha256 ${sha256Of(busybox)} is none of its recipe's ${hashes.join(', ')}`);
});

/** Paths a .deb ships, as `dpkg-deb -c` lists them ("./usr/bin/x", "./lib/y -> z"), directories left out. */
async function debPaths(deb: string): Promise<Set<string>> {
  const { stdout } = await execa('dpkg-deb', ['-c', deb], { env: { LC_ALL: 'C' } });
  const paths = new Set<string>();
  for (const line of stdout.split('\n')) {
    const match = /^([-dlhcbps])\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> .*| link to .*)?$/.exec(line);
    if (match?.[1] !== undefined && match[1] !== 'd' && match[2]) paths.add(match[2].replace(/\/$/, ''));
  }
  return paths;
}

test('every Debian package the build imported from is listed, with its version and sha256, when its files are in the image', async () => {
  let checked = 0;
  let listed = 0;
  for (const [layer, source] of Object.entries(manifest.sources)) {
    if (source.kind !== 'debian-binary') continue;
    const inLayer = new Set(manifest.files.filter((file) => file.layer === layer && file.type !== 'dir').map((file) => file.path));
    const pkg = bom.components.find((entry) => entry['bom-ref'] === `package:${layer}`);
    assert.ok(pkg, `package ${layer} is in the SBOM`);
    const dependsOn = bom.dependencies.find((entry) => entry.ref === `package:${layer}`)?.dependsOn ?? [];
    for (const entry of source.identity.replace(/^debian:/, '').split(',')) {
      const [, name = '', version = '', sha256 = ''] = /^([^:]+):[^=]+=(.+)@([0-9a-f]{64})$/.exec(entry) ?? [];
      const dir = join(cacheDir(), 'downloads', sha256);
      const deb = (await readdir(dir)).find((file) => file.endsWith('.deb'));
      assert.ok(deb, `${name} ${version} is in the download cache`);
      const shipped = [...(await debPaths(join(dir, deb)))].some((path) => inLayer.has(path));
      // libc6 is there twice on sopine (arm64, and armhf for the extra arch): the .deb says which.
      const { stdout: arch } = await execa('dpkg-deb', ['-f', join(dir, deb), 'Architecture']);
      const entryInBom = bom.components.find(
        (candidate) => candidate.name === name && candidate.version === version && candidate.purl?.endsWith(`?arch=${arch.trim()}`),
      );
      checked++;
      if (!shipped) {
        assert.ok(
          !entryInBom || !dependsOn.includes(entryInBom['bom-ref']),
          `${name} ships nothing into ${layer}, yet the SBOM lists it there`,
        );
        continue;
      }
      listed++;
      assert.ok(entryInBom, `${name} ${version} puts files into ${layer} but is not in the SBOM`);
      assert.equal(sha256Of(entryInBom), sha256, `${name}'s sha256`);
      assert.ok(dependsOn.includes(entryInBom['bom-ref']), `package:${layer} depends on ${entryInBom['bom-ref']}`);
      assert.ok(entryInBom.purl?.includes(`/${name}@${encodeURIComponent(version)}?`), `${name}'s purl ${entryInBom.purl}`);
    }
  }
  assert.ok(checked >= 15 && listed >= 10, `checked ${checked} imported .debs, ${listed} with files in the image`);
});

test('the kernel is the one built, and every module of the image is listed with its sha256 there', async () => {
  const kernel = component('kernel');
  assert.equal(kernel?.name, manifest.kernel.package);
  assert.equal(kernel?.version, manifest.kernel.version);
  assert.equal(sha256Of(kernel), manifest.kernel.sha256);
  const records = unpackedRecords(await readFile(join(outDir, manifest.initramfs.file)));
  const modules = [...records.values()].filter((record) => /\.ko(\.\w+)?$/.test(record.name) && (record.mode & 0o170000) === 0o100000);
  const listed = bom.components.filter((entry) => entry['bom-ref'].startsWith('module:'));
  assert.equal(listed.length, modules.length, `${listed.length} modules listed, ${modules.length} in the image`);
  assert.equal(modules.length, manifest.modules.kept, "the image holds the manifest's kept modules");
  const { createHash } = await import('node:crypto');
  for (const record of modules) {
    const entry = component(`module:/${record.name}`);
    assert.equal(sha256Of(entry), createHash('sha256').update(record.body).digest('hex'), `/${record.name}'s sha256`);
  }
});

test('the same build gives the same SBOM bytes (standard output this time)', async () => {
  const again = await runEmb(['sbom', '--board', boardName, '--dist', outRoot]);
  assert.equal(again.exitCode, 0, String(again.stderr));
  assert.equal(String(again.stdout), sbomText.replace(/\n$/, ''));
});

test('without a finished build: one line, a non-zero exit, no file written', async () => {
  const empty = await scratch('sbom-empty');
  const out = join(empty, 'sbom.json');
  const result = await runEmb(['sbom', '--board', boardName, '--dist', empty, '--out', out]);
  assert.equal(result.exitCode, 1);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /^emb: .*sopine holds no finished build .*run emb build --board sopine first/);
  assert.deepEqual(await filesUnder(empty), []);
});

test('the GPU host: the firmware files and modules of the image, and the driver with its Debian packages', {
  timeout: 10 * 60_000,
}, async () => {
  // Built as gpu-host.test.ts builds it (zstd-3, root console), so the driver's modules and layers come from the cache.
  const gpuBoard = 'amd64-nvidia';
  const root = await scratch('sbom-gpu');
  const built = await runEmb(['build', '--board', gpuBoard, '--out', root, '--zstd-level', '3', '--console-shell', 'root']);
  assert.equal(built.exitCode, 0, `emb build failed:\n${built.stdout}\n${built.stderr}`);
  const made = await runEmb(['sbom', '--board', gpuBoard, '--dist', root]);
  assert.equal(made.exitCode, 0, String(made.stderr));
  const gpuBom: { components: BomComponent[]; dependencies: Array<{ ref: string; dependsOn: string[] }> } = JSON.parse(String(made.stdout));
  assert.deepEqual(cycloneDx15Errors()(gpuBom), []);
  const gpuManifest = await readManifest(join(root, gpuBoard));
  assert.ok(gpuManifest?.gpu, 'the build has a GPU driver');
  const byRef = new Map(gpuBom.components.map((entry) => [entry['bom-ref'], entry]));
  const records = unpackedRecords(await readFile(join(root, gpuBoard, gpuManifest.initramfs.file)));
  const regular = [...records.values()].filter((record) => (record.mode & 0o170000) === 0o100000);
  const firmware = regular.filter((record) => record.name.startsWith('lib/firmware/'));
  assert.ok(firmware.length > 0, 'the image has firmware files');
  const { createHash } = await import('node:crypto');
  for (const record of [...firmware, ...regular.filter((entry) => entry.name.endsWith('.ko'))]) {
    const kind = record.name.endsWith('.ko') ? 'module' : 'firmware';
    const entry = byRef.get(`${kind}:/${record.name}`);
    assert.ok(entry, `/${record.name} is in the SBOM`);
    assert.equal(sha256Of(entry), createHash('sha256').update(record.body).digest('hex'), `/${record.name}'s sha256`);
  }
  assert.equal(gpuBom.components.filter((entry) => entry['bom-ref'].startsWith('firmware:')).length, firmware.length);
  const driver = byRef.get(`gpu:${gpuManifest.gpu.driver}`);
  assert.equal(driver?.version, gpuManifest.gpu.version);
  const driverDeps = gpuBom.dependencies.find((entry) => entry.ref === `gpu:${gpuManifest.gpu?.driver}`)?.dependsOn ?? [];
  for (const pkg of gpuManifest.gpu.packages) {
    const entry = gpuBom.components.find((candidate) => candidate.name === pkg.name && candidate.version === pkg.version);
    assert.equal(sha256Of(entry), pkg.sha256, `${pkg.name}'s sha256`);
    assert.ok(entry && driverDeps.includes(entry['bom-ref']), `the driver depends on ${pkg.name}`);
  }
  for (const module of gpuManifest.gpu.modules.filter((entry) => entry.from === 'driver')) {
    const entry = gpuBom.components.find((candidate) => candidate['bom-ref'].endsWith(`/${module.name}`));
    assert.equal(sha256Of(entry), module.sha256, `${module.name}'s sha256`);
    assert.equal(entry?.version, gpuManifest.gpu.version);
  }
});
