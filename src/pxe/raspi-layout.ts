import { copyFile, link } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';
import { raspiCmdlineTxt, raspiConfigTxt } from './raspi-config.ts';
import type { RaspiFamily } from './raspi-families.ts';
import type { RaspiFirmware } from './raspi-firmware.ts';
import type { TreeFile } from './tree-files.ts';
import { secretsInitrdName } from '../secrets/secrets-archive.ts';
import { boardFilesDir, raspiMacDir, raspiSerialDir } from './tree-layout.ts';

/**
 * The Raspberry Pi part of the tree. Firmware and board files once, under
 * boards/<board>/ (and bootcode.bin at the root, where a Pi 3's boot ROM asks for it);
 * each node's folder holds hard links to them (a copy where the tree's filesystem has
 * no hard links), its config.txt and cmdline.txt, and start*.elf last: the file whose
 * presence makes the firmware read the folder at all.
 */

/** A file of the tree that other paths can link to: its path and content key. */
export interface LinkSource {
  path: string;
  key: string;
}

/** A board's files as a Pi node's folder links them. */
export interface RaspiBoardSet {
  kernel: LinkSource;
  initrd: LinkSource;
  dtb: LinkSource;
  fixup: LinkSource;
  start: LinkSource;
}

function firmwareCopy(path: string, name: string, firmware: RaspiFirmware): TreeFile & LinkSource {
  return { path, kind: 'copy', from: join(firmware.dir, name), key: `raspi-firmware/${firmware.sha256}/${name}` };
}

/** The firmware pair under boards/<board>/, and what the SoC fetches from the root. */
export function raspiFirmwareFiles(
  board: Board,
  family: RaspiFamily,
  firmware: RaspiFirmware,
): { board: (TreeFile & LinkSource)[]; root: TreeFile[] } {
  const dir = boardFilesDir(board.name);
  return {
    board: [firmwareCopy(`${dir}/${family.fixup}`, family.fixup, firmware), firmwareCopy(`${dir}/${family.start}`, family.start, firmware)],
    root: family.rootFiles.map((name) => firmwareCopy(name, name, firmware)),
  };
}

/** Which errors of link(2) mean "this filesystem cannot": then the file is copied. */
const cannotLink = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK']);

/** `path` as a hard link to `source` (both tree paths), made beside its place and renamed in by writeTree. */
export function linkedFile(path: string, source: LinkSource): TreeFile {
  return {
    path,
    kind: 'made',
    key: `link ${source.path} ${source.key}`,
    make: async (temp) => {
      const from = join(dirname(temp), posix.relative(posix.dirname(path), source.path));
      try {
        await link(from, temp);
      } catch (error) {
        if (!cannotLink.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        await copyFile(from, temp);
      }
    },
  };
}

/** The node's folder: its serial, else its MAC where the firmware can look by MAC; undefined when neither works. */
export function raspiNodeDir(node: { mac: string; serial?: string }, family: RaspiFamily): string | undefined {
  if (node.serial !== undefined) return raspiSerialDir(node.serial);
  return family.macFolder ? raspiMacDir(node.mac) : undefined;
}

/** A Pi node without a serial whose firmware can only look by serial. `where` names the node. */
export function missingSerialError(where: string, board: Board, family: RaspiFamily): EmbError {
  return new EmbError(
    `${where}: field "serial": a ${board.name} node needs its Raspberry Pi's serial`,
    `its firmware (${family.rootFiles.join(', ')} from the TFTP root) asks for <serial>/${family.start} and has no setting to look by MAC, so nodes cannot be told apart otherwise: add serial: "<8 hex digits>", the last 8 of Serial in /proc/cpuinfo or the folder the Pi asks the TFTP server for`,
  );
}

export interface RaspiNode {
  mac: string;
  hostname: string;
  serial?: string;
}

/** A node's folder in write order: the board's files linked, config.txt, cmdline.txt, then start*.elf. */
export function raspiNodeFiles(
  node: RaspiNode,
  board: Board,
  family: RaspiFamily,
  set: RaspiBoardSet,
  commandLine: string,
  secretsInitrd?: Buffer,
): TreeFile[] {
  const dir = raspiNodeDir(node, family);
  if (dir === undefined) throw missingSerialError(`node ${node.hostname} (mac ${node.mac})`, board, family);
  const name = (source: LinkSource): string => posix.basename(source.path);
  const config = raspiConfigTxt({
    hostname: node.hostname,
    board: board.name,
    arch: board.arch,
    kernel: name(set.kernel),
    initrd: name(set.initrd),
    ...(secretsInitrd === undefined ? {} : { secretsInitrd: secretsInitrdName }),
    dtb: name(set.dtb),
  });
  return [
    ...[set.kernel, set.dtb, set.initrd, set.fixup].map((source) => linkedFile(`${dir}/${name(source)}`, source)),
    ...(secretsInitrd === undefined
      ? []
      : [{ path: `${dir}/${secretsInitrdName}`, kind: 'private' as const, bytes: async () => secretsInitrd }]),
    { path: `${dir}/config.txt`, kind: 'text', text: config },
    { path: `${dir}/cmdline.txt`, kind: 'text', text: raspiCmdlineTxt(commandLine) },
    linkedFile(`${dir}/${name(set.start)}`, set.start),
  ];
}
