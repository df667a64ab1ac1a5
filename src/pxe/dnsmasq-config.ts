import { isIPv4 } from 'node:net';
import { isAbsolute } from 'node:path';
import { EmbError } from '../errors.ts';
import { ipxeChainScriptPath, ubootScriptPath } from './tree-layout.ts';

export interface DnsmasqOptions {
  /** The tree, absolute: the TFTP root. */
  tree: string;
  /** An IPv4 address of the network to answer on (its base, e.g. 10.0.0.0): proxy DHCP needs one. */
  subnet: string;
  /** Listen on this interface alone (and bind to it), so another DHCP or DNS server on the host keeps working. */
  interface?: string;
  /** This host's address on that network: the TFTP server named to iPXE when it boots by TFTP. */
  serverAddress?: string;
  /** The tree over HTTP (e.g. http://10.0.0.2:8080/): iPXE then fetches everything by HTTP, not TFTP. */
  httpUrl?: string;
}

/**
 * Client architectures (DHCP option 93, RFC 4578 and IANA's "Processor Architecture
 * Types") that U-Boot sends: 0x15 from 32-bit and 0x16 from 64-bit ARM builds
 * (CONFIG_BOOTP_PXE_CLIENTARCH in Debian's u-boot-qemu configs).
 */
const ubootClientArchs = [0x15, 0x16];

// A path or name goes into a config line as it is: dnsmasq reads ',' as a field
// separator, '"' as a quote, '\' as an escape and ' #' as a comment, and a line break
// would start a new option. Only characters none of that applies to are taken.
const safePath = /^[A-Za-z0-9._/+@=~-]+$/;
const safeInterface = /^[A-Za-z0-9_.-]{1,15}$/;
const safeUrl = /^[A-Za-z0-9._~:/%@[\]-]+$/;

function checkAddress(what: string, value: string): void {
  if (!isIPv4(value))
    throw new EmbError(`${what} ${JSON.stringify(value)} is not an IPv4 address`, 'give it as four numbers, like 10.0.0.0');
}

function checkedTree(tree: string): string {
  if (!isAbsolute(tree)) throw new Error(`internal: dnsmasq tree ${tree} is not absolute`);
  const bad = [...tree].find((char) => !safePath.test(char));
  if (bad !== undefined) {
    throw new EmbError(
      `the tree path ${JSON.stringify(tree)} has ${JSON.stringify(bad)}, which a dnsmasq config line cannot hold`,
      'serve a tree whose path has only letters, digits and . _ - / + @ = ~',
    );
  }
  return tree;
}

/** The URL of the iPXE chain script in the tree over HTTP. */
function ipxeUrl(httpUrl: string): string {
  let base: URL;
  try {
    base = new URL(httpUrl);
  } catch {
    throw new EmbError(`the HTTP URL ${JSON.stringify(httpUrl)} is not a URL`, 'give it like http://10.0.0.2:8080/');
  }
  if (base.protocol !== 'http:' || base.username || base.password || base.search || base.hash) {
    throw new EmbError(
      `the HTTP URL ${httpUrl} must be plain http://host:port/path/, without user, query or fragment`,
      'give it like http://10.0.0.2:8080/',
    );
  }
  const url = new URL(ipxeChainScriptPath, base.href.endsWith('/') ? base.href : `${base.href}/`).href;
  if (!safeUrl.test(url))
    throw new EmbError(`the HTTP URL ${httpUrl} has characters a dnsmasq config line cannot hold`, 'use a plain host, port and path');
  return url;
}

/**
 * dnsmasq as a proxy DHCP and TFTP server for a PXE tree: it lives beside the
 * network's own DHCP server, which still hands out the addresses; this one only tells
 * boot firmware where to boot from. Every value a user gave is checked first, so none
 * can add a line of its own. Sources: dnsmasq(8) of dnsmasq 2.90, its rfc2131.c (the
 * proxy replies), and U-Boot's net/bootp.c; the replies were checked against the real
 * dnsmasq (test/e2e/serve.test.ts).
 */
export function dnsmasqConfig(options: DnsmasqOptions): string {
  const tree = checkedTree(options.tree);
  checkAddress('the subnet', options.subnet);
  if (options.serverAddress !== undefined) checkAddress('the server address', options.serverAddress);
  if (options.interface !== undefined && !safeInterface.test(options.interface)) {
    throw new EmbError(`${JSON.stringify(options.interface)} is not an interface name`, 'give one as `ip link` lists it, like eth0');
  }
  const ipxeBoot =
    options.httpUrl !== undefined
      ? ipxeUrl(options.httpUrl)
      : options.serverAddress !== undefined
        ? `${ipxeChainScriptPath},,${options.serverAddress}`
        : ipxeChainScriptPath;
  const lines = [
    `# dnsmasq config written by emb for the network-boot tree ${tree}`,
    '# Proxy DHCP and TFTP only: the network keeps its own DHCP server, which hands out the addresses.',
    '',
    '# No DNS server, and nothing read from /etc/hosts or resolv.conf.',
    'port=0',
    'no-resolv',
    'no-hosts',
    '# No pid file and no lease file: the host keeps its own (a proxy hands out no leases).',
    'pid-file=',
    'leasefile-ro',
    ...(options.interface !== undefined
      ? [
          '# This interface alone, bound to it, so other DHCP servers on the host keep theirs.',
          `interface=${options.interface}`,
          'bind-interfaces',
        ]
      : []),
    `# Answer PXE clients on ${options.subnet}'s network, without giving addresses.`,
    `dhcp-range=${options.subnet},proxy`,
    '# What each client asked and was told, in the log.',
    'log-dhcp',
    '',
    "# TFTP, read-only, from the tree (dnsmasq refuses '..'). It runs as nobody: the tree must be world-readable.",
    'enable-tftp',
    `tftp-root=${tree}`,
    '',
    '# Who asks. iPXE says so in its user class (77) and with option 175.',
    'dhcp-userclass=set:ipxe,iPXE',
    'dhcp-match=set:ipxe,175',
    '# U-Boot by its client architecture (option 93): 0x15 arm, 0x16 arm64.',
    ...ubootClientArchs.map((arch) => `dhcp-match=set:uboot,option:client-arch,${arch}`),
    '',
    "# iPXE (a PC whose network ROM is iPXE, as QEMU's are): the chain script, which fetches ipxe/<mac>.ipxe.",
    `dhcp-boot=tag:ipxe,${ipxeBoot}`,
    '# A plain PXE ROM needs an iPXE binary first (undionly.kpxe, ipxe.efi), which emb does not ship yet.',
    '',
    "# U-Boot fetches boot.scr.uimg and pxelinux.cfg/ by their own names. It calls itself 'U-Boot', not",
    "# 'PXEClient', so it is named a PXE vendor to be answered at all. Builds without",
    "# CONFIG_SERVERIP_FROM_PROXYDHCP (Debian's) ignore proxy replies: there the network's DHCP server must",
    "# name this host as next-server (option 66), or the node's environment set serverip.",
    'dhcp-pxe-vendor=PXEClient,U-Boot',
    `dhcp-boot=tag:uboot,${ubootScriptPath}`,
    '',
    '# Raspberry Pi firmware boots from the network when this menu entry is offered. It is also',
    "# what a PC's plain BIOS PXE ROM is offered: an entry without a file, so it boots from its disk.",
    '# A proxy also needs one pxe-service line to answer anyone.',
    'pxe-service=tag:!ipxe,x86PC,"Raspberry Pi Boot"',
    '',
  ];
  return lines.join('\n');
}
