import type { WriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';

/**
 * A write stream to `path` that only its owner can read, for files that may hold
 * secrets (a console log shows the kernel command line, uebo.boinc.password
 * included). The file is created 0600, never chmod-ed afterwards, so it is private
 * from its first byte; a file left by an earlier run (maybe 0644) is removed first,
 * as opening it would keep its old mode.
 */
export async function createPrivateWriteStream(path: string): Promise<WriteStream> {
  await rm(path, { force: true });
  const handle = await open(path, 'wx', 0o600);
  return handle.createWriteStream();
}
