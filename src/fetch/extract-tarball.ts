import { mkdir } from 'node:fs/promises';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';

/**
 * Unpack a source tarball into `into`, dropping its top-level folder as every upstream
 * tarball has one. The tarball was verified by sha256 when it entered the download
 * cache, so one tar cannot read was damaged since: the error names the file and says
 * to delete it, which makes the next run fetch it again.
 */
export async function extractSourceTarball(file: string, into: string, what: string): Promise<void> {
  await mkdir(into, { recursive: true });
  const result = await execa('tar', ['-xf', file, '-C', into, '--strip-components=1', '--no-same-owner'], {
    reject: false,
    env: { LC_ALL: 'C' },
  });
  if (!result.failed) return;
  // tar's last line is often "Error is not recoverable: exiting now": its first line says what is wrong.
  const said = String(result.stderr)
    .split('\n')
    .map((line) => line.replace(/^tar: /, '').trim())
    .find(Boolean);
  throw new EmbError(
    `${what}: cannot unpack ${file} (tar: ${said ?? `exit code ${result.exitCode}`})`,
    'the cached file is damaged: delete it and run emb again, which downloads it again',
  );
}
