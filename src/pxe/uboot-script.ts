import { rm, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { sha256Hex } from '../fs/hash.ts';
import { EmbError } from '../errors.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import type { TreeFile } from './tree-files.ts';
import { archiveMtime } from '../pack/mtime.ts';

/**
 * The script U-Boot's DHCP boot flow fetches (boot.scr.uimg) on boards whose boot
 * command asks for a script before, or instead of, pxelinux (Debian's qemu_arm64 and
 * qemu_arm U-Boot). It hands over to the pxelinux lookup, so one per-MAC config serves
 * every U-Boot flow.
 */
export const ubootScriptText = [
  '# Written by emb pxe: boot this node from its pxelinux.cfg (by MAC, then IP, then default).',
  'pxe get && pxe boot',
  '',
].join('\n');

export function ubootScriptFile(path: string): TreeFile {
  return {
    path,
    kind: 'made',
    key: sha256Hex(ubootScriptText),
    async make(temp) {
      await verifyHostTools(['mkimage']);
      const source = `${temp}.txt`;
      await writeFile(source, ubootScriptText);
      try {
        // The script image is the same for every arch U-Boot runs on: 'arm' is what mkimage -T script takes for both.
        const result = await execa(
          'mkimage',
          ['-A', 'arm', '-O', 'linux', '-T', 'script', '-C', 'none', '-n', 'emb pxe', '-d', source, temp],
          // mkimage dates the header with the current second unless SOURCE_DATE_EPOCH is set: the build's mtime instead.
          { reject: false, env: { SOURCE_DATE_EPOCH: String(archiveMtime()) } },
        );
        if (result.exitCode !== 0)
          throw new EmbError(`mkimage failed making ${path}: ${result.stderr.trim().split('\n').pop()}`, 'check u-boot-tools');
      } finally {
        await rm(source, { force: true });
      }
    },
  };
}
