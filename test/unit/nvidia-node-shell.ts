/**
 * Runs the GPU image's node scripts (packages/nvidia-open/rootfiles/lib/emb/nvidia-*.sh)
 * on the host, under the host's busybox: `busybox sh` with a PATH of busybox applets
 * only, as on the node (whose busybox has no standalone shell either), so awk,
 * sha256sum, mknod and stat are busybox's, not the host's. Every path the scripts use
 * is pointed into a temp dir; insmod and nvidia-smi are stand-ins that record their
 * arguments. Shared by the nvidia-node-*.test.ts files.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { shellQuote } from '../../src/cmdline/bootargs.ts';
import { projectRoot } from '../../src/paths.ts';

const libDir = join(projectRoot, 'packages/nvidia-open/rootfiles/lib/emb');
export const loadLibrary = join(libDir, 'nvidia-load.sh');
export const metricsLibrary = join(libDir, 'nvidia-metrics.sh');

export const kernel = '6.1.0-50-amd64';
export const machine = 'x86_64';
export const driverVersion = '535.261.03';
export const moduleFiles = [
  'wmi.ko',
  'video.ko',
  'drm.ko',
  'drm_kms_helper.ko',
  'nvidia.ko',
  'nvidia-modeset.ko',
  'nvidia-uvm.ko',
  'nvidia-drm.ko',
] as const;

/** The host's busybox, or undefined when it is not installed. */
export async function hostBusybox(): Promise<string | undefined> {
  const found = await execa('sh', ['-c', 'command -v busybox'], { reject: false });
  return found.exitCode === 0 ? found.stdout.trim() : undefined;
}

let appletDir: Promise<string> | undefined;

/** A directory with one link to busybox for each of its applets: the node's /bin. */
function busyboxApplets(busybox: string): Promise<string> {
  appletDir ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emb-busybox-applets-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const { stdout } = await execa(busybox, ['--list']);
    await Promise.all(
      stdout
        .split('\n')
        .filter((name) => /^[\w.[-]+$/.test(name))
        .map((name) => symlink(busybox, join(dir, name))),
    );
    return dir;
  })();
  return appletDir;
}

/** A fake node: the image's files and the kernel's views, under one temp dir. */
export interface FakeNode {
  root: string;
  /** /usr/local/lib/nvidia, where the modules and the marker are. */
  moduleDir: string;
  marker: string;
  conf: string;
  run: string;
  sysModule: string;
  procDevices: string;
  procGpus: string;
  pci: string;
  dev: string;
  /** The stand-ins' folder: insmod.calls records every insmod, one line each. */
  mock: string;
}

/** The marker the build writes for the files in `node.moduleDir`, as lines (without their LF). */
export function markerLines(hashes: Record<string, string>, extra: Record<string, string> = {}): string[] {
  return [
    `kernel=${kernel}`,
    `driver_version=${driverVersion}`,
    'driver_kind=open',
    `arch=${machine}`,
    ...Object.entries(extra).map(([key, value]) => `${key}=${value}`),
    ...moduleFiles.map((file) => `sha256.${file}=${hashes[file]}`),
  ];
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A node whose image is as the build makes it: the modules (a few KiB of bytes each,
 * nvidia.ko larger), a valid marker, nvidia.conf, one GPU in /proc/driver/nvidia/gpus,
 * the majors in /proc/devices. `hashes` are the files' sha256s, to write other markers.
 */
export async function fakeNode(): Promise<FakeNode & { hashes: Record<string, string> }> {
  const root = await mkdtemp(join(tmpdir(), 'emb-nvidia-node-'));
  const at = (path: string) => join(root, path);
  const node: FakeNode = {
    root,
    moduleDir: at('usr/local/lib/nvidia'),
    marker: at('usr/local/lib/nvidia/marker'),
    conf: at('etc/emb/nvidia.conf'),
    run: at('run/emb/nvidia'),
    sysModule: at('sys/module'),
    procDevices: at('proc/devices'),
    procGpus: at('proc/driver/nvidia/gpus'),
    pci: at('sys/bus/pci/devices'),
    dev: at('dev'),
    mock: at('mock'),
  };
  for (const dir of [node.moduleDir, at('etc/emb'), node.sysModule, node.procGpus, node.pci, node.dev, node.mock]) {
    await mkdir(dir, { recursive: true });
  }
  const hashes: Record<string, string> = {};
  for (const [index, file] of moduleFiles.entries()) {
    const data = Buffer.alloc(file === 'nvidia.ko' ? 256 * 1024 : 4096, `${file}:${index}:`);
    hashes[file] = sha256(data);
    await writeFile(join(node.moduleDir, file), data);
  }
  await writeFile(node.marker, `${markerLines(hashes).join('\n')}\n`);
  await writeFile(
    node.conf,
    [
      `NVIDIA_DRIVER_VERSION=${driverVersion}`,
      'NVIDIA_DRIVER_KIND=open',
      `NVIDIA_MODULE_DIR=${shellQuote(node.moduleDir)}`,
      "# load order, file names in NVIDIA_MODULE_DIR; the kernel's own first",
      `NVIDIA_MODULES='${moduleFiles.join(' ')}'`,
      "NVIDIA_GSP_OFF_PARAMS='NVreg_EnableGpuFirmware=0'",
      '',
    ].join('\n'),
  );
  await writeProcDevices(node, { 'nvidia-frontend': 195, 'nvidia-uvm': 509 });
  await addGpu(node, '0000:01:00.0', 0);
  await writeFile(
    join(node.mock, 'insmod'),
    [
      '#!/bin/sh',
      '# Records its arguments; fails as insmod.rules says ("<module name> <error>"), else',
      '# "loads" the module: /sys/module/<name> appears.',
      'echo "$*" >> "$MOCK/insmod.calls"',
      'name=${1##*/}',
      'name=${name%.ko}',
      'rule=$(grep "^$name " "$MOCK/insmod.rules" 2>/dev/null)',
      `if [ -n "$rule" ]; then echo "insmod: can't insert '$1': \${rule#* }" >&2; exit 1; fi`,
      'mkdir -p "$MOCK_SYS_MODULE/$(echo "$name" | tr - _)"',
      '',
    ].join('\n'),
  );
  await chmod(join(node.mock, 'insmod'), 0o755);
  return { ...node, hashes };
}

/** /proc/devices with these character devices (and a block device of the same name, to be ignored). */
export async function writeProcDevices(node: FakeNode, chars: Record<string, number>): Promise<void> {
  const lines = ['Character devices:', '  1 mem', '  4 /dev/vc/0', ...Object.entries(chars).map(([name, major]) => `${major} ${name}`)];
  lines.push('', 'Block devices:', '  8 sd', '259 blkext', '300 nvidia-uvm', '');
  await writeFile(node.procDevices, lines.join('\n'));
}

/** A GPU as nvidia.ko shows it in /proc/driver/nvidia/gpus (its information file's real layout). */
export async function addGpu(node: FakeNode, bus: string, minor: number | undefined): Promise<void> {
  await mkdir(join(node.procGpus, bus), { recursive: true });
  const lines = ['Model: \t\t NVIDIA RTX A4000', 'IRQ:   \t\t 130', 'GPU UUID: \t GPU-0f5c6f0e-9a55-11ee-b9d1-0242ac120002'];
  if (minor !== undefined) lines.push(`Device Minor: \t ${minor}`);
  lines.push('GPU Excluded:\t No', '');
  await writeFile(join(node.procGpus, bus, 'information'), lines.join('\n'));
}

/** A PCI device in the fake /sys/bus/pci/devices. */
export async function addPciDevice(node: FakeNode, address: string, vendor: string, device: string, pciClass: string): Promise<void> {
  const dir = join(node.pci, address);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'vendor'), `${vendor}\n`);
  await writeFile(join(dir, 'device'), `${device}\n`);
  await writeFile(join(dir, 'class'), `${pciClass}\n`);
}

export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` in busybox sh after sourcing `libraries` and pointing every path at
 * `node`. emb_bounded (the node's /lib/emb/bounded.sh, which keeps its files in the
 * real /run) is a stand-in that runs the command; a script may define another.
 */
export async function runOnNode(
  busybox: string,
  node: FakeNode,
  libraries: readonly string[],
  script: string,
  env: Record<string, string> = {},
): Promise<ShellResult> {
  const q = shellQuote;
  const prelude = [
    ...libraries.map((library) => `. ${q(library)}`),
    'emb_bounded() { shift 2; "$@"; }',
    `emb_nvidia_conf=${q(node.conf)}`,
    `emb_nvidia_run=${q(node.run)}`,
    `emb_nvidia_sys_module=${q(node.sysModule)}`,
    `emb_nvidia_proc_devices=${q(node.procDevices)}`,
    `emb_nvidia_proc_gpus=${q(node.procGpus)}`,
    `emb_nvidia_pci=${q(node.pci)}`,
    `emb_nvidia_dev=${q(node.dev)}`,
    `emb_nvidia_insmod=${q(join(node.mock, 'insmod'))}`,
    `emb_nvidia_smi=${q(join(node.mock, 'nvidia-smi'))}`,
    `emb_nvidia_metrics_scratch=${q(node.run)}`,
  ];
  const result = await execa(busybox, ['sh', '-c', `${prelude.join('\n')}\n${script}`], {
    env: { PATH: `${node.mock}:${await busyboxApplets(busybox)}`, MOCK: node.mock, MOCK_SYS_MODULE: node.sysModule, ...env },
    extendEnv: false,
    // A stray relative path lands in the temp dir, not in the checkout.
    cwd: node.root,
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export async function removeNode(node: FakeNode): Promise<void> {
  await rm(node.root, { recursive: true, force: true });
}
