import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import tar from 'tar-stream';
import { EmbError } from '../errors.ts';
import { copyrightLicense } from './dep5-license.ts';
import type { DeclaredLicense } from './sbom-model.ts';

/** What the SBOM needs from a .deb: the paths it ships (to tell whether the image has any) and its declared license. */
export interface DebFacts {
  paths: ReadonlySet<string>;
  license: DeclaredLicense;
  /** The arch in the .deb's file name: "all" for a package every arch shares, whatever arch it was asked for. */
  debianArch?: string;
}

/**
 * A verified .deb in the download cache (downloads/<sha256>/<file>.deb, see
 * src/fetch/download.ts), or undefined when `emb cache gc` has removed it since.
 */
export async function cachedDebPath(cacheRoot: string, sha256: string): Promise<string | undefined> {
  const dir = join(cacheRoot, 'downloads', sha256);
  const names = await readdir(dir).catch(() => [] as string[]);
  const deb = names.find((name) => name.endsWith('.deb') && !name.startsWith('.tmp-'));
  return deb === undefined ? undefined : join(dir, deb);
}

/**
 * Read a .deb's file list and its /usr/share/doc/<package>/copyright in one pass over
 * `dpkg-deb --fsys-tarfile`, without unpacking anything to disk.
 */
export async function readDebFacts(debPath: string, packageName: string): Promise<DebFacts> {
  const copyrightPath = `/usr/share/doc/${packageName}/copyright`;
  const paths = new Set<string>();
  let copyright: string | undefined;
  const child = execa('dpkg-deb', ['--fsys-tarfile', debPath], { buffer: false, encoding: 'buffer', env: { LC_ALL: 'C' } });
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const path = `/${header.name.replace(/^\.?\/+/, '').replace(/\/$/, '')}`;
    const chunks: Buffer[] = [];
    if (header.type !== 'directory') paths.add(path);
    stream.on('data', (chunk: unknown) => {
      if (path === copyrightPath && header.type === 'file') chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      if (chunks.length > 0) copyright = Buffer.concat(chunks).toString('utf8');
      next();
    });
    stream.resume();
  });
  try {
    await Promise.all([pipeline(child.stdout, extract), child]);
  } catch (error) {
    const said =
      String((error as { stderr?: unknown }).stderr ?? '')
        .trim()
        .split('\n')
        .pop() || (error as Error).message;
    throw new EmbError(
      `${debPath} (Debian package ${packageName}) cannot be read: ${said}`,
      'the cached file is damaged: delete it and run emb build again, which downloads it again',
    );
  }
  return { paths, license: copyrightLicense(copyright), debianArch: /_([a-z0-9-]+)\.deb$/.exec(debPath)?.[1] };
}
