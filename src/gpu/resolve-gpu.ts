import { EmbError } from '../errors.ts';
import { type ComponentPackage, componentResolver } from '../fetch/component-packages.ts';
import { hashOfDirectory, keyOf } from '../fs/hash.ts';
import type { KernelIdentity } from '../kernel/kernel-provider.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import { hostDebianArch } from '../toolchain/package-lists.ts';
import type { LoadedGpuDriver } from './load-gpu-driver.ts';

/** Bump when the way modules are built or collected changes, so old cache entries are not reused. */
const GPU_MODULES_FORMAT = 'emb-gpu-modules-1';

/** Every Debian package a GPU driver build needs, resolved (not yet downloaded), and the build's cache key. */
export interface ResolvedGpu {
  loaded: LoadedGpuDriver;
  moduleSource: ComponentPackage;
  /** The kernel's headers for its arch, the common headers, and kbuild for this machine's arch. */
  headers: { arch: ComponentPackage; common: ComponentPackage; kbuild: ComponentPackage };
  userland: ComponentPackage[];
  firmware?: ComponentPackage;
  /** The kernel release the headers are for: what every module's vermagic must start with. */
  kernelRelease: string;
  /** Key of the module build: the driver's source, steps and modules, the source package, the headers, the toolchain. */
  modulesKey: string;
  /** Key of everything the GPU layer is made from (part of the image key). */
  key: string;
}

function dependencyNamed(pkg: ComponentPackage, prefix: string, suffix = ''): string | undefined {
  return pkg.pkg.depends
    .split(',')
    .map((dep) => dep.trim().split(/[\s:]/)[0] ?? '')
    .find((name) => name.startsWith(prefix) && name.endsWith(suffix));
}

/**
 * The headers matching a Debian kernel exactly: linux-headers-<release> at the image
 * package's own version (a mirror that has moved on is one clear error, not modules
 * built for another kernel), then the common headers and kbuild it depends on.
 */
async function resolveHeaders(
  resolve: ReturnType<typeof componentResolver>,
  kernel: KernelIdentity,
  info: ArchInfo,
): Promise<{ release: string; headers: ResolvedGpu['headers'] }> {
  if (!kernel.name.startsWith('linux-image-')) {
    throw new EmbError(
      `GPU drivers are built against Debian kernels, and ${kernel.name} is not a linux-image package`,
      "use kernel.provider 'debian'",
    );
  }
  const release = kernel.name.slice('linux-image-'.length);
  const arch = await resolve(`linux-headers-${release}`, info.debianArch, 'main');
  if (arch.pkg.version !== kernel.version) {
    throw new EmbError(
      `linux-headers-${release} is ${arch.pkg.version} in the apt index but the kernel ${kernel.name} is ${kernel.version}`,
      'run apt-get update so both come from the same kernel upload',
    );
  }
  const commonName = dependencyNamed(arch, 'linux-headers-', '-common');
  const kbuildName = dependencyNamed(arch, 'linux-kbuild-');
  if (commonName === undefined || kbuildName === undefined) {
    throw new EmbError(
      `linux-headers-${release} ${arch.pkg.version} depends on no -common headers or linux-kbuild package`,
      'report this: the Debian packaging changed',
    );
  }
  const common = await resolve(commonName, info.debianArch, 'main');
  // kbuild's programs (fixdep, modpost, sign-file) run on this machine: its arch, not the board's.
  const kbuild = await resolve(kbuildName, await hostDebianArch(), 'main');
  return { release, headers: { arch, common, kbuild } };
}

/** Each package must be the driver's Debian version: never a mix of two driver releases. */
function checkVersion(loaded: LoadedGpuDriver, found: ComponentPackage): ComponentPackage {
  const { driver } = loaded;
  if (found.pkg.version !== driver.debianVersion) {
    throw new EmbError(
      `packages/${driver.name}/driver.ts: ${found.pkg.name} is ${found.pkg.version} in the archive (${found.component}), not ${driver.debianVersion}`,
      `set debianVersion (and version) in the driver file to the archive's, or use a snapshot mirror that has ${driver.debianVersion}`,
    );
  }
  return found;
}

/**
 * Resolve a board's GPU driver against its kernel: the driver's packages (through
 * emb's private apt for contrib and non-free) and the kernel's headers. Cheap (index
 * look-ups only), so the fetch stage can key the image before anything is built.
 */
export async function resolveGpu(
  loaded: LoadedGpuDriver,
  kernel: KernelIdentity,
  info: ArchInfo,
  context: { cacheRoot: string; offline: boolean; toolchainId: string; signingKeyId?: string },
): Promise<ResolvedGpu> {
  const { driver } = loaded;
  const resolve = componentResolver(context);
  const { release, headers } = await resolveHeaders(resolve, kernel, info);
  const moduleSource = checkVersion(loaded, await resolve(driver.moduleSource.package, info.debianArch, driver.moduleSource.component));
  const userland: ComponentPackage[] = [];
  for (const entry of driver.userland) userland.push(checkVersion(loaded, await resolve(entry.package, info.debianArch, entry.component)));
  const firmware =
    driver.firmware && checkVersion(loaded, await resolve(driver.firmware.package, info.debianArch, driver.firmware.component));
  // Only what the compile reads: editing the driver's userland or checks must not cost a 2-minute rebuild.
  const buildSpec = JSON.stringify({ source: driver.moduleSource, modules: driver.modules, steps: driver.steps.toString() });
  const modulesKey = keyOf([
    GPU_MODULES_FORMAT,
    buildSpec,
    moduleSource.pkg.sha256,
    headers.arch.pkg.sha256,
    headers.common.pkg.sha256,
    headers.kbuild.pkg.sha256,
    context.toolchainId,
  ]);
  const key = keyOf([
    modulesKey,
    // driver.ts and the node side (rootfiles/) beside it.
    await hashOfDirectory(loaded.dir),
    kernel.sha256,
    ...userland.map((found) => found.pkg.sha256),
    firmware?.pkg.sha256 ?? '',
    loaded.firmware.join(','),
    context.signingKeyId ?? 'unsigned',
  ]);
  return { loaded, moduleSource, headers, userland, firmware, kernelRelease: release, modulesKey, key };
}
