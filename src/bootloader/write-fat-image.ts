import { mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { produceAtomically } from '../fs/atomic.ts';
import { sha256Hex } from '../fs/hash.ts';
import type { FatFile } from './files-from-debian-fat.ts';
import { FAT32_LBA, type MbrPartition, mbrWithOnePartition, SECTOR } from './mbr.ts';

/** The partition starts at 1 MiB, as fdisk, sfdisk and Raspberry Pi OS images start theirs. */
export const FAT_START_SECTOR = 2048;

/**
 * FAT32 takes at least 65,525 clusters: with 512-byte clusters and its two FATs, a
 * partition over 33 MiB. 64 MiB is the smallest power-of-two image that holds one from 1 MiB.
 */
export const MIN_FAT_IMAGE_MIB = 64;

/** The volume label `mdir` shows. */
const volumeLabel = 'EMB-BOOT';

/** The one FAT32 (LBA) partition of an image of `sizeBytes`: from 1 MiB to the end. */
export function fatPartitionOf(sizeBytes: number): MbrPartition {
  return { startSector: FAT_START_SECTOR, sectorCount: sizeBytes / SECTOR - FAT_START_SECTOR, type: FAT32_LBA };
}

/** Refused before anything is fetched: an image too small for a FAT32 partition. */
export function verifyFatImageSize(sizeMiB: number): void {
  if (sizeMiB < MIN_FAT_IMAGE_MIB) {
    throw new EmbError(
      `--size-mib ${sizeMiB} is too small for the board's FAT32 partition (at least 65,525 clusters, from 1 MiB)`,
      `give --size-mib ${MIN_FAT_IMAGE_MIB} (the default) or more`,
      2,
    );
  }
}

/** The MBR's disk identifier, from the files: the same files give the same image. */
export function diskIdOf(files: readonly FatFile[]): number {
  return Number.parseInt(sha256Hex(files.map((file) => `${file.name}\0${sha256Hex(file.data)}\n`).join('')).slice(0, 8), 16);
}

/** Run a dosfstools or mtools program; a missing one is named with its package. */
async function runTool(tool: string, pkg: string, args: readonly string[]): Promise<void> {
  const result = await execa(tool, args, { reject: false, stdin: 'ignore', env: { LC_ALL: 'C', MTOOLS_SKIP_CHECK: '1' } });
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new EmbError(`${tool} is not installed: emb writes the FAT partition with it`, `apt-get install ${pkg}`);
  }
  if (result.failed) {
    const said = `${result.stderr}\n${result.stdout}`.split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode}`;
    throw new EmbError(
      `${tool} ${args.join(' ')} failed: ${said}`,
      'check that the files fit the image (--size-mib) and that the folder is writable',
    );
  }
}

/**
 * A raw SD card image with an MBR and one FAT32 (LBA) partition from 1 MiB to the end,
 * holding `files` in its root folder: the MBR written here, the filesystem made by
 * mkfs.fat at the partition's offset in the image file (--invariant: a fixed volume id
 * and times, so the same files give the same bytes), the files copied in by mcopy
 * with their times from the package. Written to a temp name beside `path` and renamed.
 */
export async function writeFatSdImage(path: string, sizeBytes: number, files: readonly FatFile[]): Promise<MbrPartition> {
  const partition = fatPartitionOf(sizeBytes);
  const staging = await mkdtemp(join(tmpdir(), 'emb-fat-'));
  try {
    await produceAtomically(path, async (temp) => {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.truncate(sizeBytes);
        await handle.write(mbrWithOnePartition(partition, diskIdOf(files)), 0, SECTOR, 0);
      } finally {
        await handle.close();
      }
      const sizeKiB = (partition.sectorCount * SECTOR) / 1024;
      const start = String(partition.startSector);
      await runTool('mkfs.fat', 'dosfstools', [
        '-F',
        '32',
        '-s',
        '1',
        '-h',
        start,
        `--offset=${start}`,
        '--invariant',
        '-n',
        volumeLabel,
        temp,
        String(sizeKiB),
      ]);
      const volume = `${temp}@@${partition.startSector * SECTOR}`;
      for (const file of files) {
        const staged = join(staging, file.name);
        await writeFile(staged, file.data);
        await utimes(staged, file.mtime, file.mtime);
        await runTool('mcopy', 'mtools', ['-m', '-i', volume, staged, `::${file.name}`]);
      }
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return partition;
}
