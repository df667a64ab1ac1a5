/**
 * A DOS (MBR) partition table with one primary partition, as sfdisk writes it for
 * `start=2048, type=c`: no boot code (the Raspberry Pi's boot ROM runs none), a disk
 * identifier, the partition's CHS fields from the 255-head, 63-sector geometry that
 * fdisk and sfdisk assume (clamped to 1023/254/63 past 8 GiB), its LBA start and
 * length, and the 0x55 0xAA signature.
 */

export const SECTOR = 512;

/** W95 FAT32 (LBA): the type the Pi's boot ROM and firmware look for. */
export const FAT32_LBA = 0x0c;

export interface MbrPartition {
  /** First sector (512 bytes each), e.g. 2048 for 1 MiB. */
  startSector: number;
  sectorCount: number;
  /** The partition type byte, e.g. FAT32_LBA. */
  type: number;
}

const heads = 255;
const sectorsPerTrack = 63;

/** The three CHS bytes of an LBA sector: head, sector with cylinder bits 8-9, cylinder bits 0-7. */
export function chsOf(lba: number): [number, number, number] {
  const cylinder = Math.floor(lba / (heads * sectorsPerTrack));
  if (cylinder > 1023) return [254, 0xff, 0xff];
  const head = Math.floor(lba / sectorsPerTrack) % heads;
  const sector = (lba % sectorsPerTrack) + 1;
  return [head, sector | ((cylinder >> 2) & 0xc0), cylinder & 0xff];
}

/** The 512-byte first sector of a card holding `partition` as its only partition. */
export function mbrWithOnePartition(partition: MbrPartition, diskId: number): Buffer {
  const { startSector, sectorCount, type } = partition;
  if (!Number.isInteger(startSector) || startSector < 1 || !Number.isInteger(sectorCount) || sectorCount < 1) {
    throw new Error(`internal: partition at sector ${startSector} of ${sectorCount} sectors`);
  }
  if (startSector + sectorCount > 0x1_0000_0000) throw new Error('internal: an MBR partition ends within 2 TiB');
  const mbr = Buffer.alloc(SECTOR);
  mbr.writeUInt32LE(diskId >>> 0, 440);
  const entry = 446;
  mbr[entry] = 0x00; // not active: the Pi ignores the flag
  mbr.set(chsOf(startSector), entry + 1);
  mbr[entry + 4] = type;
  mbr.set(chsOf(startSector + sectorCount - 1), entry + 5);
  mbr.writeUInt32LE(startSector, entry + 8);
  mbr.writeUInt32LE(sectorCount, entry + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}
