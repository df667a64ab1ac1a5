import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Manifest } from '../pack/manifest.ts';
import type { Board } from '../schema/board.ts';
import { debianPurl } from './debian-identity.ts';
import type { DebComponents } from './deb-components.ts';
import { declaredLicense } from './recipe-license.ts';
import type { DeclaredLicense, SbomComponent } from './sbom-model.ts';

/** Linux is GPL-2.0 only (its COPYING); the syscall note covers the UAPI headers, which the image does not ship. */
const linuxLicense: DeclaredLicense = { kind: 'expression', expression: 'GPL-2.0-only' };

/** A kernel module, wherever it lies: the kernel's under /lib/modules, a GPU driver's in its own folder. */
const modulePattern = /\/[^/]+\.ko(?:\.(?:xz|zst|gz))?$/;
const firmwarePrefix = '/lib/firmware/';

export function isModulePath(path: string): boolean {
  return modulePattern.test(path);
}

export function isFirmwarePath(path: string): boolean {
  return path.startsWith(firmwarePrefix);
}

/**
 * The linux-source .deb a source kernel was built from, found by its file name in the
 * download cache (the manifest records the package and version, and the kernel's
 * cache key, which hashes the .deb's sha256 with the configuration).
 */
async function cachedSourceDebSha256(cacheRoot: string, fileName: string): Promise<string | undefined> {
  const downloads = join(cacheRoot, 'downloads');
  for (const sha256 of (await readdir(downloads).catch(() => [] as string[])).sort()) {
    const names = await readdir(join(downloads, sha256)).catch(() => [] as string[]);
    if (names.includes(fileName)) return sha256;
  }
  return undefined;
}

export interface KernelFacts {
  manifest: Manifest;
  board: Board;
  debianArch: string;
  cacheRoot: string;
  /** sha256 of each module and firmware file, as the image holds it. */
  fileHashes: ReadonlyMap<string, string>;
  /** The GPU driver's license (packages/<driver>/driver.ts), for its modules and firmware. */
  gpuLicense?: string;
  warn: (line: string) => void;
}

/**
 * The kernel (Debian's linux-image package, or a kernel built from Debian's
 * linux-source with emb's configuration), every module and firmware file in the image
 * with its sha256 there, and a GPU driver with its Debian packages. A module or
 * firmware file belongs to the kernel, or to the GPU driver whose layer ships it.
 */
export async function kernelComponents(facts: KernelFacts, debs: DebComponents): Promise<SbomComponent[]> {
  const { manifest, board } = facts;
  const kernel: SbomComponent = {
    ref: 'kernel',
    type: 'operating-system',
    name: manifest.kernel.package,
    version: manifest.kernel.version,
    description: `Linux ${manifest.kernel.release}`,
    license: linuxLicense,
    downloadUrls: [],
    properties: [
      ['emb:kernel-provider', board.kernel.provider],
      ['emb:kernel-release', manifest.kernel.release],
      ['emb:kernel-file', manifest.kernel.file],
      ...(manifest.dtb ? ([['emb:dtb', manifest.dtb.source]] as Array<[string, string]>) : []),
    ],
    dependsOn: [],
  };
  if (board.kernel.provider === 'debian') {
    kernel.sha256 = manifest.kernel.sha256;
    kernel.purl = debianPurl({ name: manifest.kernel.package, version: manifest.kernel.version, debianArch: facts.debianArch });
  } else {
    const sourcePackage = board.kernel.package;
    const version = manifest.kernel.version;
    kernel.properties.push(['emb:kernel-build-key', manifest.kernel.sha256]);
    const fileName = `${sourcePackage}_${version.replace(/^\d+:/, '')}_all.deb`;
    const sha256 = await cachedSourceDebSha256(facts.cacheRoot, fileName);
    if (sha256 === undefined) facts.warn(`${fileName} is no longer in the cache, so the kernel source's sha256 is not listed`);
    else kernel.dependsOn.push(await debs.add({ name: sourcePackage, debianArch: 'all', version, sha256 }, 'application'));
  }

  const gpu = manifest.gpu;
  const gpuComponent: SbomComponent | undefined = gpu && {
    ref: `gpu:${gpu.driver}`,
    type: 'device-driver',
    name: gpu.driver,
    version: gpu.version,
    license: facts.gpuLicense ? declaredLicense(facts.gpuLicense) : { kind: 'unknown' },
    downloadUrls: [],
    properties: [
      ['emb:gpu-kind', gpu.kind],
      ['emb:kernel-release', gpu.kernelRelease],
      ['emb:signed', String(gpu.signed)],
    ],
    dependsOn: [],
  };
  if (gpu && gpuComponent) {
    for (const pkg of gpu.packages) {
      const deb = { name: pkg.name, version: pkg.version, sha256: pkg.sha256, debianArch: facts.debianArch };
      gpuComponent.dependsOn.push(await debs.add(deb, 'library', [['emb:debian-component', pkg.component]]));
    }
  }
  const isGpuLayer = (layer: string): boolean => gpu !== undefined && (layer === gpu.driver || layer.startsWith(`${gpu.driver} `));

  const files: SbomComponent[] = [];
  for (const file of manifest.files) {
    if (file.type !== 'file') continue;
    const module = isModulePath(file.path);
    if (!module && !isFirmwarePath(file.path)) continue;
    const owner = isGpuLayer(file.layer) && gpuComponent ? gpuComponent : kernel;
    // A GPU driver ships the kernel's modules it needs (drm…) beside its own: the manifest says which is which.
    const fromKernel = owner === kernel || gpu?.modules.find((entry) => entry.name === posix.basename(file.path))?.from === 'kernel';
    const component: SbomComponent = {
      ref: `${module ? 'module' : 'firmware'}:${file.path}`,
      type: module ? 'device-driver' : 'firmware',
      name: module ? posix.basename(file.path).replace(/\.ko(\.\w+)?$/, '') : file.path.slice(firmwarePrefix.length),
      version: module && fromKernel ? manifest.kernel.release : owner === kernel ? undefined : gpu?.version,
      license: module && fromKernel ? linuxLicense : owner === kernel ? { kind: 'unknown' } : owner.license,
      sha256: facts.fileHashes.get(file.path),
      downloadUrls: [],
      properties: [
        ['emb:path', file.path],
        ['emb:layer', file.layer],
        ['emb:bytes', String(file.size)],
      ],
      dependsOn: [],
    };
    owner.dependsOn.push(component.ref);
    files.push(component);
  }
  return [kernel, ...(gpuComponent ? [gpuComponent] : []), ...files];
}
