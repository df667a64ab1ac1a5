/**
 * Where things go in a PXE tree (the TFTP root, also served over HTTP). Board files
 * are shared by every node of the board; each node has one small file per bootloader.
 * Paths are relative to the tree's root, with '/' separators.
 */

/** A board's kernel, DTB and initramfs: written once whatever the number of nodes. */
export function boardFilesDir(board: string): string {
  return `boards/${board}`;
}

/** U-Boot's first lookup: "01-" (the ARP type of Ethernet) and the MAC with dashes, lower-case. */
export function pxelinuxConfigPath(mac: string): string {
  return `pxelinux.cfg/01-${mac.replaceAll(':', '-')}`;
}

/** iPXE's per-node script, named as the chain script asks for it (${mac:hexhyp}). */
export function ipxeNodeScriptPath(mac: string): string {
  return `ipxe/${mac.replaceAll(':', '-')}.ipxe`;
}

/** What iPXE is told to boot first (the DHCP boot file): it chains to the node's own script. */
export const ipxeChainScriptPath = 'boot.ipxe';

/** What U-Boot's DHCP boot flow fetches first on boards whose boot command looks for a script. */
export const ubootScriptPath = 'boot.scr.uimg';

/**
 * A node's own initrds when it has secrets: secrets.cpio.zst (the secrets alone, for
 * bootloaders that load two initrds) or initramfs.zst (the board's image with the
 * secrets after it, for U-Boot's pxe, which loads one). 0600 in the tree.
 */
export function nodeSecretsDir(mac: string): string {
  return `secrets/${mac.replaceAll(':', '-')}`;
}

/** emb's record of what it wrote, read by the next run (--prune) and never served to a node. */
export const treeStatePath = '.emb-pxe.json';

/**
 * A Raspberry Pi node's folder, which holds every file its firmware reads after the
 * first: named by the Pi's serial (8 lower-case hex digits), the only name a Pi 3's
 * bootcode.bin asks for and a Pi 4 EEPROM's default (TFTP_PREFIX=0).
 */
export function raspiSerialDir(serial: string): string {
  return serial;
}

/** A Pi 4's folder by MAC, as its EEPROM asks with TFTP_PREFIX=2: lower-case, dashes ("dc-a6-32-01-36-c2"). */
export function raspiMacDir(mac: string): string {
  return mac.replaceAll(':', '-');
}
