import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EmbError } from '../errors.ts';
import { downloadDebianPackage, resolveImagePackage, type DebianPackage } from '../fetch/debian-packages.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { pathExists } from '../fs/exists.ts';
import { produceAtomically } from '../fs/atomic.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { Arch, DebianKernelSpec } from '../schema/board.ts';
import type { KernelProvider, PreparedKernel } from './kernel-provider.ts';
import { faultPoint } from '../fs/fault-point.ts';

/**
 * Debian's linux-image packages, which already support the seed boards' SoCs. The
 * package is resolved by the host's apt index (a metapackage such as linux-image-arm64
 * is followed to the real image package), downloaded verified, and unpacked once into
 * cache/kernels/<sha256>.
 */
export function debianKernelProvider(spec: DebianKernelSpec, cacheRoot: string, info: ArchInfo): KernelProvider {
  return {
    kind: 'debian',
    async resolve() {
      const pkg = await resolveImagePackage(cacheRoot, spec.package, info.debianArch, 'linux-image-');
      return {
        identity: { name: pkg.name, version: pkg.version, sha256: pkg.sha256 },
        prepare: () => prepareDebianKernel(cacheRoot, pkg, spec.image),
      };
    },
  };
}

/** The unpacked tree is renamed into place only when complete, so a killed run leaves nothing trusted. */
async function prepareDebianKernel(cacheRoot: string, pkg: DebianPackage, imageTemplate: string): Promise<PreparedKernel> {
  const root = join(cacheRoot, 'kernels', pkg.sha256);
  if (!(await pathExists(root))) {
    const deb = await downloadDebianPackage(cacheRoot, pkg);
    await produceAtomically(root, async (temp) => {
      await extractDebianPackage(deb, temp, `the kernel package ${pkg.name} ${pkg.version}`);
      await faultPoint('kernel-extract');
    });
  }
  const kvers = await readdir(join(root, 'lib', 'modules')).catch(() => []);
  const kver = kvers[0];
  if (!kver || kvers.length !== 1) {
    throw new EmbError(
      `${pkg.name} ${pkg.version}: expected one kernel release under lib/modules, found ${kvers.length}`,
      "name a linux-image package in the board's kernel.package",
    );
  }
  const image = imageTemplate.replaceAll('{kver}', kver);
  const imagePath = join(root, image);
  if (!(await pathExists(imagePath))) {
    throw new EmbError(
      `${pkg.name}: has no kernel image at ${image}`,
      "fix kernel.image in the board file (dpkg-deb -c shows the package's files)",
    );
  }
  const dtbRoot = join(root, 'usr', 'lib', `linux-image-${kver}`);
  return {
    identity: { name: pkg.name, version: pkg.version, sha256: pkg.sha256 },
    kver,
    imagePath,
    moduleRoot: join(root, 'lib', 'modules', kver),
    // The unpacked package is never changed once renamed into place: its index is kept beside it.
    moduleIndexFile: join(root, 'emb-module-index.json'),
    dtbRoot: (await pathExists(dtbRoot)) ? dtbRoot : undefined,
  };
}

/** dist/'s name for the kernel: what each arch's bootloaders call that format. */
const kernelFileNames: Record<Arch, string> = { aarch64: 'Image', armhf: 'zImage', amd64: 'vmlinuz' };

/**
 * The kernel as the bootloaders want it, named as they know it: arm64 `Image` (booti),
 * armhf `zImage` (bootz), amd64 bzImage as `vmlinuz`. Some Debian arm64 vmlinuz files
 * are a gzip'd Image: U-Boot's booti needs it plain, so it is unpacked.
 */
export async function kernelImageOutput(kernel: PreparedKernel, arch: Arch): Promise<{ name: string; data: Buffer }> {
  const data = await readFile(kernel.imagePath);
  const plain = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  return { name: kernelFileNames[arch], data: plain };
}
