import { isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { EmbError } from '../errors.ts';

/** This host on the network nodes boot from: its address there, and the network's base address. */
export interface ServeNetwork {
  interface: string;
  address: string;
  subnet: string;
}

function toNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The network base of an address and mask (10.0.0.7/255.255.255.0 -> 10.0.0.0). */
export function networkBase(address: string, netmask: string): string {
  return toAddress((toNumber(address) & toNumber(netmask)) >>> 0);
}

/**
 * The IPv4 network of `name` to answer on: the one holding `subnet` when given, else the
 * interface's first. `interfaces` is os.networkInterfaces() unless a test passes its own.
 */
export function serveNetwork(
  name: string,
  subnet?: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): ServeNetwork {
  const known = Object.keys(interfaces).sort();
  const ipv4 = (interfaces[name] ?? []).filter((info) => info.family === 'IPv4');
  if (interfaces[name] === undefined) {
    throw new EmbError(`no network interface ${name} on this host`, `its interfaces: ${known.join(', ') || '(none)'}`);
  }
  if (subnet !== undefined && !isIPv4(subnet)) {
    throw new EmbError(`--subnet ${JSON.stringify(subnet)} is not an IPv4 address`, "give the network's base address, like 10.0.0.0");
  }
  const networks = ipv4.map((info) => ({ address: info.address, subnet: networkBase(info.address, info.netmask), cidr: info.cidr }));
  const chosen = subnet === undefined ? networks[0] : networks.find((network) => network.subnet === subnet);
  if (chosen === undefined) {
    throw new EmbError(
      subnet === undefined ? `interface ${name} has no IPv4 address` : `interface ${name} is not on the network ${subnet}`,
      networks.length === 0
        ? `give it an address on the nodes' network (ip addr add …), or name another interface`
        : `its networks: ${networks.map((network) => network.cidr ?? network.subnet).join(', ')}`,
    );
  }
  return { interface: name, address: chosen.address, subnet: chosen.subnet };
}
