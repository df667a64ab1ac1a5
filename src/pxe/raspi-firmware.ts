import { join } from 'node:path';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { produceAtomically } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import { downloadPrivatePackage, resolvePrivatePackage } from '../fetch/private-apt-packages.ts';
import { type PrivateAptOptions, preparePrivateApt } from '../fetch/private-apt.ts';

/** Debian's package of the Raspberry Pi's VideoCore firmware (non-free-firmware, Architecture: all). */
export const raspiFirmwarePackage = 'raspi-firmware';
/** Where the package keeps bootcode.bin, start*.elf and fixup*.dat. */
const firmwareDirInPackage = 'usr/lib/raspi-firmware';

/** The firmware files of one raspi-firmware package, unpacked in the cache. */
export interface RaspiFirmware {
  version: string;
  /** The .deb's SHA256 (from the signed index): names the files' content in the tree's keys. */
  sha256: string;
  /** The folder holding bootcode.bin, start*.elf and fixup*.dat. */
  dir: string;
}

/**
 * raspi-firmware through emb's private apt (the host's apt may not list
 * non-free-firmware): resolved, downloaded and checked once, unpacked once per
 * version into the cache's raspi-firmware/<sha256>/.
 */
export async function fetchRaspiFirmware(cacheRoot: string, options: PrivateAptOptions = {}): Promise<RaspiFirmware> {
  const apt = await preparePrivateApt(cacheRoot, options);
  const pkg = await resolvePrivatePackage(apt, raspiFirmwarePackage, 'arm64');
  const deb = await downloadPrivatePackage(cacheRoot, apt, pkg);
  const unpacked = join(cacheRoot, 'raspi-firmware', pkg.sha256);
  if (!(await pathExists(unpacked))) {
    await produceAtomically(unpacked, (temp) => extractDebianPackage(deb, temp, `${raspiFirmwarePackage} ${pkg.version}`));
  }
  return { version: pkg.version, sha256: pkg.sha256, dir: join(unpacked, firmwareDirInPackage) };
}
