import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbError } from '../errors.ts';
import { dnsmasqConfig } from '../pxe/dnsmasq-config.ts';
import type { ServeNetwork } from './interface-network.ts';

/**
 * dnsmasq drops root and serves TFTP as nobody: every folder from / down to the tree
 * must let others through, or each transfer fails with "permission denied" that only
 * the node's console shows. Said here, at start, with the fix.
 */
export async function verifyTreeReachable(treeReal: string): Promise<void> {
  for (let dir = treeReal; ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new EmbError(
        `dnsmasq serves TFTP as the user nobody, who cannot enter ${dir} (mode ${(mode & 0o777).toString(8)})`,
        `chmod o+x ${dir}, or serve a tree elsewhere`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** A config emb wrote for this run, in a private temp folder, and how to remove it. */
export interface WrittenConfig {
  configFile: string;
  remove(): Promise<void>;
}

/** Writes the proxy DHCP + TFTP config for this tree and network; iPXE is pointed at `httpUrl`. */
export async function writeServeConfig(treeReal: string, network: ServeNetwork, httpUrl: string): Promise<WrittenConfig> {
  await verifyTreeReachable(treeReal);
  const text = dnsmasqConfig({
    tree: treeReal,
    subnet: network.subnet,
    interface: network.interface,
    serverAddress: network.address,
    httpUrl,
  });
  const dir = await mkdtemp(join(tmpdir(), 'emb-serve-'));
  const configFile = join(dir, 'dnsmasq.conf');
  // dnsmasq reads its config before it drops root: 0600 is enough.
  await writeFile(configFile, text, { mode: 0o600 });
  return { configFile, remove: () => rm(dir, { recursive: true, force: true }) };
}
