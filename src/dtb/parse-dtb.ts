/** A flattened device tree (.dtb) parsed into nodes; `label` names the input in every error. */
import { readFile } from 'node:fs/promises';
import { EmbError } from '../errors.ts';
import { DtbBytes } from './dtb-bytes.ts';
import { readDtbHeader } from './dtb-header.ts';
import type { DeviceTree } from './dtb-node.ts';
import { readStructureBlock } from './dtb-structure.ts';

export function parseDtb(buf: Buffer, label: string): DeviceTree {
  const header = readDtbHeader(buf, label);
  const { root, nodes } = readStructureBlock(new DtbBytes(buf, label), header);
  return { label, header, root, nodes };
}

/** Reads and parses the file at `file`; a missing file is the user's to fix, so it is an EmbError. */
export async function readDtbFile(file: string): Promise<DeviceTree> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new EmbError(`device tree ${file} does not exist`, 'check the path of the .dtb in the board file');
  }
  return parseDtb(buf, file);
}
