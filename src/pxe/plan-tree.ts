import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boardKernelCmdline } from '../cmdline/board-cmdline.ts';
import type { Manifest } from '../pack/manifest.ts';
import type { Board } from '../schema/board.ts';
import { ipxeChainScript, ipxeNodeScript } from './ipxe-scripts.ts';
import { netbootFlowOf } from './netboot-flow.ts';
import { pxelinuxConfig } from './pxelinux-config.ts';
import { raspiFamilyOf } from './raspi-families.ts';
import type { RaspiFirmware } from './raspi-firmware.ts';
import { type LinkSource, type RaspiBoardSet, raspiFirmwareFiles, raspiNodeFiles } from './raspi-layout.ts';
import type { TreeFile } from './tree-files.ts';
import { secretsInitrdName } from '../secrets/secrets-archive.ts';
import {
  boardFilesDir,
  ipxeChainScriptPath,
  ipxeNodeScriptPath,
  nodeSecretsDir,
  pxelinuxConfigPath,
  ubootScriptPath,
} from './tree-layout.ts';
import { ubootScriptFile } from './uboot-script.ts';

/** A node as the tree needs it (an inventory node has these fields). */
export interface PxeNode {
  mac: string;
  hostname: string;
  board: string;
  /** A Raspberry Pi's serial (8 lower-case hex digits): names its folder. */
  serial?: string;
  /** The node's own kernel arguments, uebo.hostname included; the board's console and arguments go first. */
  args: string;
  /** The node's secrets initrd (node-secrets.ts), when the inventory gives it secrets. */
  secretsInitrd?: Buffer;
}

/** A board's finished build in dist/. */
export interface BoardBuild {
  board: Board;
  distDir: string;
  manifest: Manifest;
}

/** Where a board's files are in the tree. */
export interface BoardTreeFiles {
  kernel: string;
  initrd: string;
  dtb?: string;
}

export function boardTreeFiles(build: BoardBuild): BoardTreeFiles {
  const dir = boardFilesDir(build.board.name);
  const { manifest } = build;
  return {
    kernel: `${dir}/${manifest.kernel.file}`,
    initrd: `${dir}/${manifest.initramfs.file}`,
    dtb: manifest.dtb === undefined ? undefined : `${dir}/${manifest.dtb.file}`,
  };
}

/** The full kernel command line of a node: its board's console and arguments, then its own. */
export function nodeCommandLine(board: Board, node: PxeNode): string {
  return [boardKernelCmdline(board), node.args].filter((part) => part.trim() !== '').join(' ');
}

function buildOf(builds: ReadonlyMap<string, BoardBuild>, name: string): BoardBuild {
  const build = builds.get(name);
  if (build === undefined) throw new Error(`internal: board ${name} was not built for the tree`);
  return build;
}

/** A Raspberry Pi board's firmware pair and root files, and the set its nodes' folders link to. */
function raspiBoardPlan(
  build: BoardBuild,
  copies: { kernel: LinkSource; initrd: LinkSource; dtb?: LinkSource },
  firmware: RaspiFirmware | undefined,
): { shared: TreeFile[]; root: TreeFile[]; set: RaspiBoardSet } {
  const family = raspiFamilyOf(build.board);
  if (family === undefined || firmware === undefined || copies.dtb === undefined) {
    throw new Error(`internal: board ${build.board.name} reached the tree without its Raspberry Pi firmware or DTB`);
  }
  const files = raspiFirmwareFiles(build.board, family, firmware);
  const [fixup, start] = files.board;
  if (fixup === undefined || start === undefined) throw new Error('internal: the firmware pair is two files');
  return { shared: files.board, root: files.root, set: { kernel: copies.kernel, initrd: copies.initrd, dtb: copies.dtb, fixup, start } };
}

/**
 * Every file of the tree for these nodes: each board's kernel, DTB and initramfs once
 * (with the Raspberry Pi firmware for Pi boards: `raspiFirmware` must be given then),
 * the shared first-stage files of the flows in use, and each node's own config.
 */
export function planTree(
  nodes: readonly PxeNode[],
  builds: ReadonlyMap<string, BoardBuild>,
  raspiFirmware?: RaspiFirmware,
): { shared: TreeFile[]; node: TreeFile[] } {
  const shared: TreeFile[] = [];
  const node: TreeFile[] = [];
  const flows = new Set<string>();
  const raspiSets = new Map<string, RaspiBoardSet>();
  const rootFiles = new Map<string, TreeFile>();
  for (const build of [...builds.values()].sort((a, b) => a.board.name.localeCompare(b.board.name))) {
    const files = boardTreeFiles(build);
    const { manifest, distDir } = build;
    const copy = (path: string, file: string): TreeFile & LinkSource => ({
      path,
      kind: 'copy',
      from: join(distDir, file),
      key: `${manifest.imageKey}/${file}`,
    });
    const kernel = copy(files.kernel, manifest.kernel.file);
    const dtb = files.dtb !== undefined && manifest.dtb !== undefined ? copy(files.dtb, manifest.dtb.file) : undefined;
    const initrd = copy(files.initrd, manifest.initramfs.file);
    shared.push(kernel, ...(dtb === undefined ? [] : [dtb]), initrd);
    if (netbootFlowOf(build.board) === 'raspi-firmware') {
      const raspi = raspiBoardPlan(build, { kernel, initrd, dtb }, raspiFirmware);
      shared.push(...raspi.shared);
      for (const file of raspi.root) rootFiles.set(file.path, file);
      raspiSets.set(build.board.name, raspi.set);
    }
  }
  for (const each of [...nodes].sort((a, b) => a.mac.localeCompare(b.mac))) {
    const build = buildOf(builds, each.board);
    const files = boardTreeFiles(build);
    const append = nodeCommandLine(build.board, each);
    const flow = netbootFlowOf(build.board);
    flows.add(flow);
    const secrets = each.secretsInitrd;
    if (flow === 'u-boot') {
      // U-Boot's pxe loads one initrd: a node with secrets gets the image and its secrets in one file of its own.
      const initrd = secrets === undefined ? files.initrd : `${nodeSecretsDir(each.mac)}/${build.manifest.initramfs.file}`;
      if (secrets !== undefined) {
        const image = join(build.distDir, build.manifest.initramfs.file);
        node.push({ path: initrd, kind: 'private', bytes: async () => Buffer.concat([await readFile(image), secrets]) });
      }
      const text = pxelinuxConfig({ label: each.hostname, kernel: files.kernel, initrd, fdt: files.dtb, append });
      node.push({ path: pxelinuxConfigPath(each.mac), kind: 'text', text });
    } else if (flow === 'ipxe') {
      const secretsInitrd = secrets === undefined ? undefined : `${nodeSecretsDir(each.mac)}/${secretsInitrdName}`;
      if (secretsInitrd !== undefined && secrets !== undefined)
        node.push({ path: secretsInitrd, kind: 'private', bytes: async () => secrets });
      node.push({
        path: ipxeNodeScriptPath(each.mac),
        kind: 'text',
        text: ipxeNodeScript({ kernel: files.kernel, initrd: files.initrd, secretsInitrd, append }),
      });
    } else {
      const set = raspiSets.get(build.board.name);
      const family = raspiFamilyOf(build.board);
      if (set === undefined || family === undefined) throw new Error(`internal: board ${build.board.name} has no Raspberry Pi files`);
      node.push(...raspiNodeFiles(each, build.board, family, set, append, secrets));
    }
  }
  if (flows.has('u-boot')) shared.push(ubootScriptFile(ubootScriptPath));
  if (flows.has('ipxe')) shared.push({ path: ipxeChainScriptPath, kind: 'text', text: ipxeChainScript() });
  shared.push(...[...rootFiles.values()].sort((a, b) => a.path.localeCompare(b.path)));
  return { shared, node };
}
