import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { debianPackageVerdict, hostileArchiveError } from './archive-entries.ts';

/** The last non-empty line of a tool's stderr: dpkg-deb and tar say what broke there. */
function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .pop();
}

/**
 * Unpack a Debian binary package's files into `destDir` with `dpkg-deb -x`, once its
 * entries have been read and none would land outside `destDir` (a "../" or absolute
 * name, a write through a symlink), is a device node, a duplicate or an over-long name
 * (archive-entry-check.ts). Every reader hashes a cached .deb against its pin just
 * before using it (intact-download.ts), so a file dpkg-deb cannot read has the pinned
 * bytes: the error names it and points at the pin (emb lock --update), not the cache.
 * `what` says who needed it ("runit", "the kernel linux-image-…").
 */
export async function extractDebianPackage(debPath: string, destDir: string, what: string): Promise<void> {
  const verdict = await debianPackageVerdict(debPath);
  if (verdict.kind === 'hostile') {
    throw hostileArchiveError(
      what,
      debPath,
      verdict,
      'the package is not safe to unpack: check the Debian mirror or repository it came from',
    );
  }
  // A package emb's reader could not read goes to dpkg-deb only to be listed, for its words on the damage.
  const args = verdict.kind === 'safe' ? ['-x', debPath, destDir] : ['-c', debPath];
  const result = await execa('dpkg-deb', args, { reject: false, env: { LC_ALL: 'C' } });
  if (!result.failed) {
    if (verdict.kind === 'safe') return;
    throw new EmbError(`${what}: ${debPath}: emb cannot read its entries to check them (${verdict.reason})`, 'report the package');
  }
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new EmbError(`${what}: dpkg-deb is not installed, so ${debPath} cannot be unpacked`, 'apt-get install dpkg');
  }
  // dpkg-deb names the file again and prefixes its own name: the line names it once.
  const said = lastLine(String(result.stderr))
    ?.replace(/^dpkg-deb: (?:error: )?/, '')
    .replaceAll(` in ${debPath}`, '')
    .replaceAll(debPath, 'the file');
  throw new EmbError(
    `${what}: ${debPath} is not a readable Debian package (dpkg-deb: ${said || `exit code ${result.exitCode}`})`,
    // Every reader hashes a cached download before using it: these bytes are the ones pinned.
    'its bytes are the ones emb.lock pins (sha256 checked), so the pin names a broken package: run emb lock --update',
  );
}
