import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Layer } from '../assemble/layers.ts';
import { rootfilesLayer } from '../assemble/rootfiles-layer.ts';
import type { FileData, TreeEntry } from '../assemble/tree-types.ts';
import { logFileFor } from '../build/run-steps.ts';
import { readSection } from '../elf/elf-sections.ts';
import { EmbError } from '../errors.ts';
import { sha256Hex } from '../fs/hash.ts';
import type { KernelStageResult } from '../kernel/kernel-stage.ts';
import { canonicalModuleName, moduleClosure, readModuleFiles } from '../kernel/modules/index.ts';
import { modinfoEntries } from '../kernel/modules/modinfo.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { buildGpuModules } from './build-modules.ts';
import { markerText, nodeConfText } from './marker.ts';
import { readModuleFacts, vermagicProblem } from './module-info.ts';
import { type SigningKey, signModules } from './module-signing.ts';
import type { ResolvedGpu } from './resolve-gpu.ts';
import { packageFileSlice, unpackedPackage } from './unpacked-packages.ts';

/** Where the driver's files live on the node: not the kernel's module tree, which /init frees after boot. */
export const gpuModuleDir = '/usr/local/lib/nvidia';

/** What the manifest records about the GPU driver in the image. */
export interface GpuSummary {
  driver: string;
  version: string;
  kind: string;
  kernelRelease: string;
  /** Whether this run compiled the modules (false: from the cache), and how long the compile took. */
  built: boolean;
  buildSeconds: number;
  signed: boolean;
  /** Every module the node loads, in order, as shipped. */
  modules: Array<{ name: string; from: 'kernel' | 'driver'; bytes: number; sha256: string }>;
  firmware: string[];
  packages: Array<{ name: string; version: string; component: string; sha256: string }>;
}

export interface GpuStageResult {
  layers: Layer[];
  summary: GpuSummary;
  /** The driver's boot checks, for the manifest (emb qemu runs them). */
  checks: Array<{ package: string; command: string; expect: string }>;
}

const file = (path: string, data: FileData, mode = 0o644): TreeEntry => ({
  type: 'file',
  path,
  mode,
  uid: 0,
  gid: 0,
  data,
});
const link = (path: string, target: string): TreeEntry => ({ type: 'symlink', path, target, mode: 0o777, uid: 0, gid: 0 });

/** The kernel modules the driver's modules depend on (drm, drm_kms_helper, video…), with their own closure, from the board kernel. */
function kernelDependencies(kernel: KernelStageResult, driverModules: readonly string[], depends: readonly string[]) {
  const own = new Set(driverModules.map((name) => canonicalModuleName(name.replace(/\.ko$/, ''))));
  const wanted = [...new Set(depends.map(canonicalModuleName))].filter((name) => !own.has(name)).sort();
  try {
    return moduleClosure(kernel.index, wanted).order;
  } catch (error) {
    throw new EmbError(
      `the GPU modules need ${wanted.join(', ')}, and ${kernel.kernel.identity.name}: ${error instanceof Error ? error.message : String(error)}`,
      'use a kernel that builds these as modules or in',
    );
  }
}

/** The kernel's vermagic, as its own modules carry it (the first by name: any would do, they all agree). */
async function vermagicOfKernel(kernel: KernelStageResult): Promise<string> {
  const [first] = [...kernel.index.modules.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const [bytes] = first === undefined ? [] : await readModuleFiles(kernel.kernel.moduleRoot, [first]);
  const section = bytes === undefined ? undefined : readSection(bytes, '.modinfo', first?.relPath);
  const vermagic = section === undefined ? undefined : modinfoEntries(section).find(([key]) => key === 'vermagic')?.[1];
  if (vermagic === undefined) {
    throw new EmbError(
      `${kernel.kernel.identity.name}: no module with a vermagic to check the GPU modules against`,
      'use a kernel with loadable modules',
    );
  }
  return vermagic;
}

/**
 * The GPU stage: build (or take from the cache) the driver's modules for the board
 * kernel, check each one's vermagic against the kernel's, sign them when asked, and
 * lay out the node's driver folder: the kernel modules they need and theirs, in load
 * order, a marker with every file's sha256, nvidia-smi and the libraries with their
 * soname links, the board's firmware, and the driver's node-side rootfiles.
 */
export async function runGpuStage(
  gpu: ResolvedGpu,
  kernel: KernelStageResult,
  env: { cacheRoot: string; toolchain: Toolchain; info: ArchInfo; makeJobs: number; signing?: SigningKey; warn: (line: string) => void },
): Promise<GpuStageResult> {
  const { driver, dir, firmware } = gpu.loaded;
  const built = await buildGpuModules(gpu, env);
  const facts = await Promise.all(driver.modules.map((name) => readModuleFacts(join(built.dir, name))));
  const deps = kernelDependencies(
    kernel,
    driver.modules,
    facts.flatMap((fact) => fact.depends),
  );
  const depBytes = await readModuleFiles(kernel.kernel.moduleRoot, deps);
  const kernelVermagic = await vermagicOfKernel(kernel);
  for (const [at, name] of driver.modules.entries()) {
    const fact = facts[at];
    const problem = fact && vermagicProblem(name, fact, kernelVermagic);
    if (problem)
      throw new EmbError(
        `packages/${driver.name}: ${problem}`,
        `the headers (${gpu.headers.arch.pkg.name} ${gpu.headers.arch.pkg.version}) are not the board kernel's: run apt-get update, then emb build`,
      );
  }
  const core = driver.modules[0] ?? '';
  for (const parameter of driver.gspOffParameters) {
    const name = parameter.slice(0, parameter.indexOf('='));
    if (!facts[0]?.parameters.includes(name)) {
      throw new EmbError(
        `packages/${driver.name}/driver.ts: field "gspOffParameters": ${core} declares no parameter ${name}`,
        `modinfo -p ${core} lists its parameters`,
      );
    }
  }

  const driverFiles = driver.modules.map((name) => ({ name, file: join(built.dir, name) }));
  const signed = env.signing
    ? await signModules(gpu, driverFiles, env.signing, {
        cacheRoot: env.cacheRoot,
        toolchain: env.toolchain,
        logFile: logFileFor(env.cacheRoot, driver.name, env.info.arch),
      })
    : undefined;
  if (!env.signing) {
    env.warn(
      `${driver.name}: the modules are not signed: hosts booted with UEFI Secure Boot will refuse them (emb build --module-signing-key FILE signs them)`,
    );
  }
  const shipped = [
    ...deps.map((record, at) => {
      const data = depBytes[at];
      if (data === undefined) throw new Error(`internal: no bytes read for ${record.relPath}`);
      return { name: basename(record.relPath), from: 'kernel' as const, data };
    }),
    ...driverFiles.map(({ name }) => ({ name, from: 'driver' as const, data: signed?.get(name) })),
  ];
  const modules = await Promise.all(
    shipped.map(async (module) => {
      const data = module.data ?? (await readFile(join(built.dir, module.name)));
      return { ...module, data, sha256: sha256Hex(data) };
    }),
  );

  const entries: TreeEntry[] = [{ type: 'dir', path: gpuModuleDir, mode: 0o755, uid: 0, gid: 0 }];
  for (const module of modules) entries.push(file(`${gpuModuleDir}/${module.name}`, module.data));
  entries.push(
    file(
      `${gpuModuleDir}/marker`,
      Buffer.from(
        markerText({
          kernelRelease: kernel.kernel.kver,
          driverVersion: driver.version,
          driverKind: driver.kind,
          arch: env.info.arch,
          modules,
        }),
      ),
    ),
    file(
      '/etc/emb/nvidia.conf',
      Buffer.from(
        nodeConfText({
          driverVersion: driver.version,
          driverKind: driver.kind,
          moduleDir: gpuModuleDir,
          loadOrder: modules.map((module) => module.name),
          gspOffParameters: driver.gspOffParameters,
        }),
      ),
    ),
  );
  for (const [at, spec] of driver.userland.entries()) {
    const found = gpu.userland[at];
    if (found === undefined) throw new Error(`internal: ${spec.package} was not resolved`);
    const root = await unpackedPackage(env.cacheRoot, found);
    for (const [index, wanted] of spec.files.entries()) {
      const where = `packages/${driver.name}/driver.ts: field "userland.${at}.files.${index}.path"`;
      const slice = await packageFileSlice(root, found, wanted.path, where);
      entries.push(file(`${gpuModuleDir}/${wanted.name}`, slice, 0o755));
      for (const to of wanted.links)
        entries.push(
          link(to.startsWith('/') ? to : `${gpuModuleDir}/${to}`, to.startsWith('/') ? `${gpuModuleDir}/${wanted.name}` : wanted.name),
        );
    }
  }
  const firmwarePaths: string[] = [];
  if (driver.firmware && gpu.firmware) {
    const root = await unpackedPackage(env.cacheRoot, gpu.firmware);
    for (const name of firmware) {
      const path = driver.firmware.files[name];
      if (path === undefined) continue;
      entries.push(
        file(path, await packageFileSlice(root, gpu.firmware, path, `packages/${driver.name}/driver.ts: field "firmware.files.${name}"`)),
      );
      firmwarePaths.push(path);
    }
  }
  const layers: Layer[] = [{ name: driver.name, entries }, await rootfilesLayer(join(dir, 'rootfiles'), `${driver.name} rootfiles`)];
  const packages = [gpu.moduleSource, ...gpu.userland, ...(gpu.firmware ? [gpu.firmware] : [])].map((found) => ({
    name: found.pkg.name,
    version: found.pkg.version,
    component: found.component,
    sha256: found.pkg.sha256,
  }));
  return {
    layers,
    checks: driver.checks.map((check) => ({ package: driver.name, ...check })),
    summary: {
      driver: driver.name,
      version: driver.version,
      kind: driver.kind,
      kernelRelease: kernel.kernel.kver,
      built: built.built,
      buildSeconds: built.seconds,
      signed: signed !== undefined,
      modules: modules.map((module) => ({ name: module.name, from: module.from, bytes: module.data.length, sha256: module.sha256 })),
      firmware: firmwarePaths,
      packages,
    },
  };
}
