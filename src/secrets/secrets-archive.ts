import type { TreeEntry } from '../assemble/tree-types.ts';
import { compressZstd } from '../pack/compress.ts';
import { writeNewcArchive } from '../pack/write-archive.ts';
import { initramfsMembers } from '../repro/read-initramfs.ts';
import { secretKinds, secretsDir, type SecretName } from './secret-names.ts';
import type { Secrets } from './read-secret.ts';

/** The file name of a secrets initrd, in dist/<board>/ and in a node's PXE folder. */
export const secretsInitrdName = 'secrets.cpio.zst';

/**
 * The secrets as image entries: /etc/emb/secrets (0700) and one 0600 file per secret,
 * all root's. /etc and /etc/emb come again with the modes the image gives them: the
 * kernel chmods a folder it meets again in a later archive.
 */
export function secretEntries(secrets: Secrets): TreeEntry[] {
  const dir = (path: string, mode: number): TreeEntry => ({ type: 'dir', path, mode, uid: 0, gid: 0 });
  const entries: TreeEntry[] = [dir('/etc', 0o755), dir('/etc/emb', 0o755), dir(secretsDir, 0o700)];
  // Code-unit order, not localeCompare: that follows LANG (tr_TR sorts i and I apart), and the archive must not.
  for (const [name, value] of [...secrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    entries.push({ type: 'file', path: secretKinds[name].path, mode: 0o600, uid: 0, gid: 0, data: Buffer.from(`${value}\n`, 'latin1') });
  }
  return entries;
}

/**
 * The secrets as an initrd of their own: one cpio newc archive in one zstd frame, which
 * the kernel unpacks after the image (bootloaders load it as a second initrd, or
 * concatenated). Kept out of initramfs.zst so the image stays world-readable and the
 * same for every node, and only this small file is private (0600).
 */
export async function secretsInitrd(secrets: Secrets, mtime: number): Promise<Buffer> {
  return compressZstd(writeNewcArchive(secretEntries(secrets), { mtime }), 19);
}

/** The secrets' values in a secrets initrd (or any initramfs), by name: what emb qemu keeps out of its console log. */
export function secretsInInitrd(data: Buffer): Map<SecretName, string> {
  const values = new Map<SecretName, string>();
  const byPath = new Map(Object.entries(secretKinds).map(([name, kind]) => [kind.path.slice(1), name as SecretName]));
  for (const member of initramfsMembers(data)) {
    for (const record of member.records) {
      const name = byPath.get(record.name);
      if (name !== undefined) values.set(name, record.body.toString('latin1').replace(/\n$/, ''));
    }
  }
  return values;
}
