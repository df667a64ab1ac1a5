import { mkdir } from 'node:fs/promises';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { hostileArchiveError, sourceTarballVerdict } from './archive-entries.ts';

/**
 * Unpack a source tarball into `into`, dropping its top-level folder as every upstream
 * tarball has one. Its entries are read first: one that would land or point outside
 * `into` (a "../" or absolute name, a write through a symlink, a hard link out), a
 * device node, a duplicate or an over-long name stops it before tar writes a byte.
 * The tarball is hashed against the recipe's sha256 just before it is used
 * (intact-download.ts), so one tar cannot read has the bytes the recipe names: the
 * error names the file and points at the recipe's url and sha256, not the cache.
 */
export async function extractSourceTarball(file: string, into: string, what: string): Promise<void> {
  const verdict = await sourceTarballVerdict(file);
  if (verdict.kind === 'hostile') {
    throw hostileArchiveError(
      what,
      file,
      verdict,
      "the recipe's source is not safe to unpack: check its url and sha256, and where it came from",
    );
  }
  // A tarball emb's reader cannot read is listed by tar, never unpacked: tar's words name the damage.
  const args = verdict.kind === 'safe' ? ['-xf', file, '-C', into, '--strip-components=1', '--no-same-owner'] : ['-tf', file];
  if (verdict.kind === 'safe') await mkdir(into, { recursive: true });
  const result = await execa('tar', args, { reject: false, env: { LC_ALL: 'C' } });
  if (!result.failed) {
    if (verdict.kind === 'safe') return;
    throw new EmbError(
      `${what}: ${file}: emb cannot read its entries to check them (${verdict.reason})`,
      'repack it as a ustar or GNU tar',
    );
  }
  // tar's last line is often "Error is not recoverable: exiting now": its first line says what is wrong.
  const said = String(result.stderr)
    .split('\n')
    .map((line) => line.replace(/^tar: /, '').trim())
    .find(Boolean);
  throw new EmbError(
    `${what}: cannot unpack ${file} (tar: ${said ?? `exit code ${result.exitCode}`})`,
    // Every reader hashes a cached download before using it: these bytes are the ones the recipe names.
    "its bytes have the recipe's sha256, so the recipe's url and sha256 name something tar cannot unpack: fix them",
  );
}
