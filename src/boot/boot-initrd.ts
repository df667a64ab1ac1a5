import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathExists } from '../fs/exists.ts';
import { distSecretsPath } from '../secrets/dist-secrets.ts';
import { secretsInInitrd } from '../secrets/secrets-archive.ts';

export interface BootInitrd {
  /** The file QEMU's -initrd gets. */
  path: string;
  /** Secret values it holds, for the console log's redaction. */
  secrets: string[];
  /** Removes the private copy, if one was made. */
  dispose(): Promise<void>;
}

/**
 * The initrd a QEMU boot of dist/<board> takes: initramfs.zst, and when the build was
 * given secrets, initramfs.zst followed by secrets.cpio.zst in one file (QEMU loads a
 * single initrd; the kernel unpacks the concatenated archives in order, as it does when
 * a bootloader loads two). That copy holds the secrets, so it is made 0600 in a private
 * temp folder and removed after the boot.
 */
export async function bootInitrd(outDir: string): Promise<BootInitrd> {
  const image = join(outDir, 'initramfs.zst');
  const secretsFile = distSecretsPath(outDir);
  if (!(await pathExists(secretsFile))) return { path: image, secrets: [], dispose: async () => undefined };
  const secretsBytes = await readFile(secretsFile);
  const dir = await mkdtemp(join(tmpdir(), 'emb-qemu-'));
  const path = join(dir, 'initramfs-with-secrets.zst');
  await writeFile(path, Buffer.concat([await readFile(image), secretsBytes]), { mode: 0o600, flag: 'wx' });
  return { path, secrets: [...secretsInInitrd(secretsBytes).values()], dispose: () => rm(dir, { recursive: true, force: true }) };
}
