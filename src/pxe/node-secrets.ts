import { dirname, resolve } from 'node:path';
import { EmbError } from '../errors.ts';
import { isReadableByOthers, readSecretFile } from '../secrets/read-secret.ts';
import type { SecretName } from '../secrets/secret-names.ts';
import { secretsInitrd } from '../secrets/secrets-archive.ts';
import type { Inventory, InventoryNode } from './inventory.ts';

/** How a node is named in a message about its secrets. */
function nodeWhere(inventory: Inventory, node: InventoryNode, name: string): string {
  return `${inventory.file}: nodes[${node.index}] (mac ${node.mac}, hostname ${node.hostname}): field "secrets.${name}"`;
}

/**
 * Each node's secrets initrd (a cpio of root-only files in one zstd frame), by MAC, for
 * the nodes that have secrets. Every file is read and checked before the tree is
 * touched: a missing file or a value the service cannot take is one line naming the
 * node. Files are found relative to the inventory's folder.
 */
export async function nodeSecretsInitrds(inventory: Inventory, mtime: number, warn: (line: string) => void): Promise<Map<string, Buffer>> {
  const initrds = new Map<string, Buffer>();
  const base = dirname(resolve(inventory.file));
  for (const node of inventory.nodes) {
    const files = Object.entries(node.secretFiles ?? {}) as [SecretName, string][];
    if (files.length === 0) continue;
    const secrets = new Map<SecretName, string>();
    for (const [name, file] of files) {
      const path = resolve(base, file);
      const where = nodeWhere(inventory, node, name);
      secrets.set(name, await readSecretFile(name, path, where));
      if (await isReadableByOthers(path)) warn(`${where}: ${path} is readable by other users of this machine (chmod 600 ${path})`);
    }
    initrds.set(node.mac, await secretsInitrd(secrets, mtime));
  }
  return initrds;
}

/** BSS hands a node one initrd by URL, to whoever asks for it: a node's secrets have no place there. */
export function refuseSecretsInBss(inventory: Inventory): void {
  const node = inventory.nodes.find((each) => Object.keys(each.secretFiles ?? {}).length > 0);
  if (node === undefined) return;
  throw new EmbError(
    `${inventory.file}: nodes[${node.index}] (mac ${node.mac}, hostname ${node.hostname}) has secrets, which BSS boot parameters cannot carry`,
    'leave --bss/--bss-url out for an inventory with secrets (the tree gives each node its own secrets initrd), or remove the secrets',
  );
}
