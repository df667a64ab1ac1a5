import { EmbError } from '../errors.ts';

/**
 * OpenCHAMI's Boot Script Service (BSS) hands each node an iPXE script built from the
 * boot parameters stored for its MAC. These are emb's nodes as BSS entries.
 *
 * Format, from github.com/OpenCHAMI/bss pkg/bssTypes/types.go (type BootParams): the
 * JSON fields are hosts (xnames), macs, nids, params, kernel, initrd and cloud-init, all
 * omitempty; one of hosts/macs/nids says whom the entry is for. emb knows MACs only, so
 * it writes macs, kernel, initrd and params. kernel and initrd are URLs the node's
 * iPXE fetches.
 */

/** A node as BSS needs it (the inventory and the PXE tree have these fields). */
export interface BssNode {
  mac: string;
  hostname: string;
  board: string;
  /**
   * full kernel command line for the node. BSS puts "initrd=initrd" in front of it itself
   * (deleting any initrd= already there), as EFI iPXE needs it: default_api.go buildBootScript.
   */
  params: string;
  /** paths of the board's files inside the PXE tree, e.g. 'boards/sopine/Image' */
  kernelPath: string;
  initrdPath: string;
}

/** One BSS entry, with the JSON field names BSS uses. */
export interface BootParameters {
  macs: string[];
  kernel: string;
  initrd: string;
  params: string;
}

// BSS's own check (BootParams.CheckMacs): six colon-separated hex pairs, or 400 Bad Request.
const bssMacPattern = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/**
 * One entry per node, sorted by MAC so the payload does not depend on inventory order.
 * Nodes of one board share kernel and initrd but not params (uebo.hostname differs),
 * so entries are never merged. MACs are written lower-case: iPXE asks BSS with
 * lower-case MACs, and BSS's etcd back end keys entries by the MAC as written.
 */
export function bssBootParameters(nodes: readonly BssNode[], baseUrl: string): BootParameters[] {
  const base = httpBaseUrl(baseUrl);
  const seen = new Map<string, string>();
  const entries = nodes.map((node) => {
    const mac = node.mac.toLowerCase();
    if (!bssMacPattern.test(mac)) {
      throw new EmbError(`node ${node.hostname}: MAC ${node.mac} is not six colon-separated hex pairs`, 'write it like 02:00:00:00:00:01');
    }
    const other = seen.get(mac);
    if (other !== undefined) {
      throw new EmbError(`nodes ${other} and ${node.hostname} have the same MAC ${mac}`, 'give each node its own MAC in the inventory');
    }
    seen.set(mac, node.hostname);
    return {
      macs: [mac],
      kernel: urlUnder(base, node.kernelPath),
      initrd: urlUnder(base, node.initrdPath),
      params: node.params,
    };
  });
  // Code-unit order, not localeCompare: the file must not depend on the host's locale.
  return entries.sort((a, b) => ((a.macs[0] ?? '') < (b.macs[0] ?? '') ? -1 : 1));
}

/**
 * `baseUrl` as a URL that tree paths resolve under: http(s) only, as iPXE fetches the
 * kernel itself, and ending in '/' so 'boards/x/Image' lands under its path instead of
 * replacing its last segment.
 */
function httpBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EmbError(`--base-url ${baseUrl} is not a URL`, 'give the HTTP address of the PXE tree, e.g. http://10.0.0.1/pxe/');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmbError(
      `--base-url ${baseUrl} is not http(s)`,
      'BSS nodes fetch kernel and initrd over HTTP: give e.g. http://10.0.0.1/pxe/',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new EmbError(`--base-url ${baseUrl} has a query or fragment`, 'give the directory URL of the PXE tree alone');
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A tree path's URL; a leading '/' would resolve from the host's root and lose the base's path. */
function urlUnder(base: URL, treePath: string): string {
  return new URL(treePath.replace(/^\/+/, ''), base).href;
}

export { bssEntryYaml, bssPayloadJson, bssPayloadYaml } from './bss-payload.ts';
export { sendBootParameters } from './bss-send.ts';
