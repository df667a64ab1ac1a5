import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { sha256OfFile } from '../fs/hash.ts';
import { type DebianPackage, parseAptCacheShow, stanzasByPackage } from './debian-packages.ts';
import { downloadCachePath } from './download.ts';
import type { PrivateApt } from './private-apt.ts';

/**
 * Packages through emb's private apt, as src/fetch/debian-packages.ts does through the
 * host's: apt-cache show for the candidate (name, version, SHA256 of the signed
 * index), apt-get download, the file checked against that SHA256 and renamed into the
 * same download cache. Only the environment differs: APT_CONFIG.
 */

/** The candidate of `name` for `debianArch` (an Architecture: all package answers any arch). */
export async function resolvePrivatePackage(apt: PrivateApt, name: string, debianArch: string): Promise<DebianPackage> {
  // "name:arm64" finds no Architecture: all package; "name:all" finds it.
  const specs = [`${name}:${debianArch}`, `${name}:all`];
  const result = await execa('apt-cache', ['show', '--no-all-versions', ...specs], { reject: false, env: apt.env });
  const question = `${name}:${debianArch}`;
  const stanza = stanzasByPackage(String(result.stdout), new Map([[question, { name, debianArch }]])).get(question);
  const arch = stanza === undefined ? undefined : /^Architecture: (\S+)$/m.exec(stanza)?.[1];
  const found = stanza === undefined || arch === undefined ? undefined : parseAptCacheShow(stanza, name, arch);
  if (found === undefined) {
    throw new EmbError(
      `Debian package ${name}:${debianArch} is not in emb's private apt index (${join(apt.dir, 'lists')})`,
      `check the name, or fetch the lists again: delete ${join(apt.dir, 'updated.json')} and run emb again`,
    );
  }
  return found;
}

/** The .deb in the download cache (fetched once, by apt-get download with APT_CONFIG, checked by SHA256). */
export async function downloadPrivatePackage(cacheRoot: string, apt: PrivateApt, pkg: DebianPackage): Promise<string> {
  const finalPath = downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName);
  if (await pathExists(finalPath)) return finalPath;
  await mkdir(join(cacheRoot, 'downloads'), { recursive: true });
  // Named with the pid like every other temp (fs/atomic.ts), so `emb cache gc` leaves a live download alone.
  const work = await mkdtemp(join(cacheRoot, 'downloads', `.tmp-${process.pid}-apt-`));
  try {
    const spec = `${pkg.name}:${pkg.debianArch}=${pkg.version}`;
    const result = await execa('apt-get', ['download', spec], { cwd: work, reject: false, env: apt.env });
    if (result.exitCode !== 0) {
      const said = String(result.stderr).split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode}`;
      throw new EmbError(
        `apt-get download ${spec} (emb's private apt, ${apt.configFile}) failed: ${said}`,
        'check that this host reaches the Debian mirror of its own apt sources, then run emb again',
      );
    }
    const file = (await readdir(work)).find((name) => name.startsWith(`${pkg.name}_`) && name.endsWith(`_${pkg.debianArch}.deb`));
    if (file === undefined)
      throw new EmbError(`apt-get download ${spec} wrote no file`, `check emb's private apt configuration ${apt.configFile}`);
    const got = await sha256OfFile(join(work, file));
    if (got !== pkg.sha256) {
      throw new EmbError(
        `${file}: sha256 ${got} does not match emb's private apt index (${pkg.sha256}); the download was deleted`,
        `fetch the lists again: delete ${join(apt.dir, 'updated.json')} and run emb again`,
      );
    }
    await mkdir(join(cacheRoot, 'downloads', pkg.sha256), { recursive: true });
    await rename(join(work, file), finalPath);
    return finalPath;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
