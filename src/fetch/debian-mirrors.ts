import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Base URIs of the Debian archive as the host's apt is configured (deb822 .sources
 * files and one-line sources.list), so emb fetches from the mirror the host already
 * trusts. EMB_DEBIAN_MIRROR, if set (a comma-separated list), is tried first, in order.
 */
export async function debianArchiveUris(env = process.env, aptDir = '/etc/apt'): Promise<string[]> {
  const uris: string[] = [];
  uris.push(...listFromEnv(env.EMB_DEBIAN_MIRROR));
  const texts: string[] = [];
  try {
    texts.push(await readFile(join(aptDir, 'sources.list'), 'utf8'));
  } catch {
    // absent on deb822-only hosts
  }
  try {
    for (const file of (await readdir(join(aptDir, 'sources.list.d'))).sort()) {
      if (file.endsWith('.sources') || file.endsWith('.list')) texts.push(await readFile(join(aptDir, 'sources.list.d', file), 'utf8'));
    }
  } catch {
    // no sources.list.d
  }
  for (const text of texts) uris.push(...archiveUrisIn(text));
  return [...new Set(uris.map((uri) => uri.replace(/\/+$/, '')))];
}

/** URIs of archives that carry Debian's pool: "debian" archives, not security or third-party ones. */
export function archiveUrisIn(text: string): string[] {
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const deb822 = /^URIs:\s*(.+)$/i.exec(line)?.[1];
    const oneLine = /^deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line)?.[1];
    const listed = deb822 !== undefined ? deb822.split(/\s+/) : oneLine !== undefined ? [oneLine] : [];
    for (const uri of listed) if (/\/debian\/?$/.test(uri)) found.push(uri);
  }
  return found;
}

/** pool/main/b/busybox/… or pool/main/libc/libcap2/… as Debian lays out its pool. */
export function poolPath(sourcePackage: string, file: string, component = 'main'): string {
  const prefix = sourcePackage.startsWith('lib') ? sourcePackage.slice(0, 4) : sourcePackage.slice(0, 1);
  return `pool/${component}/${prefix}/${sourcePackage}/${file}`;
}

/** A comma-separated list from the environment; empty parts are skipped. */
export function listFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
