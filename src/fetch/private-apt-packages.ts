import { join } from 'node:path';
import { execa } from 'execa';
import { type DebianPackage, downloadDebianPackage, NotInAptIndexError, parseAptCacheShow, stanzasByPackage } from './debian-packages.ts';
import type { PrivateApt } from './private-apt.ts';
import { pinnedPackage } from '../lock/pinned-package.ts';

/**
 * Packages through emb's private apt, as src/fetch/debian-packages.ts does through the
 * host's: apt-cache show for the candidate (name, version, SHA256 of the signed
 * index), apt-get download, the file checked against that SHA256 and renamed into the
 * same download cache. Only the environment differs: APT_CONFIG.
 */

/** `name` for `debianArch` as emb.lock pins it, or the private apt's candidate, then pinned. */
export function resolvePrivatePackage(apt: PrivateApt, name: string, debianArch: string): Promise<DebianPackage> {
  return pinnedPackage(name, debianArch, 'private', () => candidateInPrivateApt(apt, name, debianArch));
}

/** The candidate of `name` for `debianArch` (an Architecture: all package answers any arch). */
async function candidateInPrivateApt(apt: PrivateApt, name: string, debianArch: string): Promise<DebianPackage> {
  // "name:arm64" finds no Architecture: all package; "name:all" finds it.
  const specs = [`${name}:${debianArch}`, `${name}:all`];
  const result = await execa('apt-cache', ['show', '--no-all-versions', ...specs], { reject: false, env: apt.env });
  const question = `${name}:${debianArch}`;
  const stanza = stanzasByPackage(String(result.stdout), new Map([[question, { name, debianArch }]])).get(question);
  const arch = stanza === undefined ? undefined : /^Architecture: (\S+)$/m.exec(stanza)?.[1];
  const found = stanza === undefined || arch === undefined ? undefined : parseAptCacheShow(stanza, name, arch);
  if (found === undefined) {
    throw new NotInAptIndexError(
      `Debian package ${name}:${debianArch} is not in emb's private apt index (${join(apt.dir, 'lists')})`,
      `check the name, or fetch the lists again: delete ${join(apt.dir, 'updated.json')} and run emb again`,
    );
  }
  return found;
}

/** The .deb in the download cache: fetched once, as the host's packages are, through APT_CONFIG, checked by SHA256. */
export function downloadPrivatePackage(cacheRoot: string, apt: PrivateApt, pkg: DebianPackage): Promise<string> {
  return downloadDebianPackage(cacheRoot, pkg, {
    env: apt.env,
    what: `emb's private apt, ${apt.configFile}`,
    refreshHint: `fetch the lists again: delete ${join(apt.dir, 'updated.json')} and run emb again`,
  });
}
