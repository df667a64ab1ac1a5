import { join } from 'node:path';
import { boardKernelCmdline } from '../cmdline/board-cmdline.ts';
import type { Manifest } from '../pack/manifest.ts';
import type { Board } from '../schema/board.ts';
import { ipxeChainScript, ipxeNodeScript } from './ipxe-scripts.ts';
import { netbootFlowOf } from './netboot-flow.ts';
import { pxelinuxConfig } from './pxelinux-config.ts';
import type { TreeFile } from './tree-files.ts';
import { boardFilesDir, ipxeChainScriptPath, ipxeNodeScriptPath, pxelinuxConfigPath, ubootScriptPath } from './tree-layout.ts';
import { ubootScriptFile } from './uboot-script.ts';

/** A node as the tree needs it (an inventory node has these fields). */
export interface PxeNode {
  mac: string;
  hostname: string;
  board: string;
  /** The node's own kernel arguments, uebo.hostname included; the board's console and arguments go first. */
  args: string;
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

/**
 * Every file of the tree for these nodes: each board's kernel, DTB and initramfs once,
 * the shared first-stage files of the flows in use, and each node's own config.
 */
export function planTree(nodes: readonly PxeNode[], builds: ReadonlyMap<string, BoardBuild>): { shared: TreeFile[]; node: TreeFile[] } {
  const shared: TreeFile[] = [];
  const node: TreeFile[] = [];
  const flows = new Set<string>();
  for (const build of [...builds.values()].sort((a, b) => a.board.name.localeCompare(b.board.name))) {
    const files = boardTreeFiles(build);
    const { manifest, distDir } = build;
    const copy = (path: string, file: string): TreeFile => ({
      path,
      kind: 'copy',
      from: join(distDir, file),
      key: `${manifest.imageKey}/${file}`,
    });
    shared.push(copy(files.kernel, manifest.kernel.file));
    if (files.dtb !== undefined && manifest.dtb !== undefined) shared.push(copy(files.dtb, manifest.dtb.file));
    shared.push(copy(files.initrd, manifest.initramfs.file));
  }
  for (const each of [...nodes].sort((a, b) => a.mac.localeCompare(b.mac))) {
    const build = buildOf(builds, each.board);
    const files = boardTreeFiles(build);
    const append = nodeCommandLine(build.board, each);
    const flow = netbootFlowOf(build.board);
    flows.add(flow);
    if (flow === 'u-boot') {
      const text = pxelinuxConfig({ label: each.hostname, kernel: files.kernel, initrd: files.initrd, fdt: files.dtb, append });
      node.push({ path: pxelinuxConfigPath(each.mac), kind: 'text', text });
    } else {
      node.push({
        path: ipxeNodeScriptPath(each.mac),
        kind: 'text',
        text: ipxeNodeScript({ kernel: files.kernel, initrd: files.initrd, append }),
      });
    }
  }
  if (flows.has('u-boot')) shared.push(ubootScriptFile(ubootScriptPath));
  if (flows.has('ipxe')) shared.push({ path: ipxeChainScriptPath, kind: 'text', text: ipxeChainScript() });
  return { shared, node };
}
