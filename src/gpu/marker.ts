import type { Arch } from '../schema/board.ts';

/** `uname -m` on a node of each arch: the marker's arch= is compared with it. */
const unameMachine: Record<Arch, string> = { amd64: 'x86_64', aarch64: 'aarch64', armhf: 'armv7l' };

/**
 * The marker beside the modules (/usr/local/lib/nvidia/marker): what they were built
 * for and each file's sha256. The node checks all of it before any insmod, because
 * modinfo passes a truncated module and insmod of one can take the boot down with it.
 * key=value lines, LF only, each key once: the node refuses anything else.
 */
export function markerText(parts: {
  kernelRelease: string;
  driverVersion: string;
  driverKind: string;
  arch: Arch;
  /** Every file the node loads, in load order, with its sha256. */
  modules: ReadonlyArray<{ name: string; sha256: string }>;
}): string {
  const lines = [
    `kernel=${parts.kernelRelease}`,
    `driver_version=${parts.driverVersion}`,
    `driver_kind=${parts.driverKind}`,
    `arch=${unameMachine[parts.arch]}`,
    ...parts.modules.map((module) => `sha256.${module.name}=${module.sha256}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Shell-quote a value made of safe characters only (checked by the schemas): no quoting tricks needed. */
const quoted = (value: string): string => `'${value}'`;

/** /etc/emb/nvidia.conf: what the node expects, sourced by the nvidia service. */
export function nodeConfText(parts: {
  driverVersion: string;
  driverKind: string;
  moduleDir: string;
  loadOrder: readonly string[];
  gspOffParameters: readonly string[];
}): string {
  return [
    '# Written by emb build: what the nvidia service expects (see packages/nvidia-open/driver.ts).',
    `NVIDIA_DRIVER_VERSION=${quoted(parts.driverVersion)}`,
    `NVIDIA_DRIVER_KIND=${quoted(parts.driverKind)}`,
    `NVIDIA_MODULE_DIR=${quoted(parts.moduleDir)}`,
    '# Load order, file names in NVIDIA_MODULE_DIR: the kernel modules they need first.',
    `NVIDIA_MODULES=${quoted(parts.loadOrder.join(' '))}`,
    '# Parameters of the core module under bee.nvidia.mode=gsp-off.',
    `NVIDIA_GSP_OFF_PARAMS=${quoted(parts.gspOffParameters.join(' '))}`,
    '',
  ].join('\n');
}
