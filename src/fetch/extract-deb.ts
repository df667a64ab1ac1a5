import { execa } from 'execa';
import { EmbError } from '../errors.ts';

/** The last non-empty line of a tool's stderr: dpkg-deb and tar say what broke there. */
function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .pop();
}

/**
 * Unpack a Debian binary package's files into `destDir` with `dpkg-deb -x`. A cached
 * .deb was verified when it was downloaded, so a file dpkg-deb cannot read was damaged
 * since (a full disk, a killed copy, an edit): the error names it and says to delete
 * it, which makes the next run download it again. `what` says who needed it
 * ("runit", "the kernel linux-image-…").
 */
export async function extractDebianPackage(debPath: string, destDir: string, what: string): Promise<void> {
  const result = await execa('dpkg-deb', ['-x', debPath, destDir], { reject: false, env: { LC_ALL: 'C' } });
  if (!result.failed) return;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new EmbError(`${what}: dpkg-deb is not installed, so ${debPath} cannot be unpacked`, 'apt-get install dpkg');
  }
  // dpkg-deb names the file again and prefixes its own name: the line names it once.
  const said = lastLine(String(result.stderr))
    ?.replace(/^dpkg-deb: (?:error: )?/, '')
    .replaceAll(` in ${debPath}`, '')
    .replaceAll(debPath, 'the file');
  throw new EmbError(
    `${what}: ${debPath} is not a readable Debian package (dpkg-deb -x: ${said || `exit code ${result.exitCode}`})`,
    'the cached file is damaged: delete it and run emb again, which downloads it again',
  );
}
