/** One node's boot as iPXE runs it; paths are absolute on the server, so TFTP and HTTP trees work alike. */
export interface IpxeEntry {
  kernel: string;
  initrd: string;
  /** The node's secrets initrd, loaded after the image (iPXE hands the kernel both, in order). */
  secretsInitrd?: string;
  append: string;
}

/**
 * A node's iPXE script. The kernel line names the initrd (initrd=…) because an EFI
 * iPXE hands it over by that name; a BIOS one ignores it.
 */
export function ipxeNodeScript(entry: IpxeEntry): string {
  const initrds = [entry.initrd, ...(entry.secretsInitrd === undefined ? [] : [entry.secretsInitrd])];
  const names = initrds.map((path) => `initrd=${path.slice(path.lastIndexOf('/') + 1)}`).join(' ');
  return ['#!ipxe', `kernel /${entry.kernel} ${names} ${entry.append}`, ...initrds.map((path) => `initrd /${path}`), 'boot', ''].join('\n');
}

/**
 * The boot file every amd64 node gets from DHCP: it chains to the node's own script by
 * its MAC, and says so on the console when the inventory has no such node (then waits
 * and retries, so a node added later boots without a power cycle).
 */
export function ipxeChainScript(): string {
  // ${mac:hexhyp} is the MAC as lower-case hex with dashes: ipxeNodeScriptPath's form.
  const nodeScript = '/ipxe/${mac:hexhyp}.ipxe';
  return [
    '#!ipxe',
    ':retry',
    `chain ${nodeScript} && goto done ||`,
    'echo emb: no boot script for ${mac} in this tree (not in the inventory?); retrying in 60 s',
    'sleep 60',
    'goto retry',
    ':done',
    '',
  ].join('\n');
}
