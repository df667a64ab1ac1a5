import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { sha256OfFile } from '../fs/hash.ts';
import { AptIndexMemo } from './apt-index-memo.ts';
import { downloadCachePath } from './download.ts';

/** One binary package as the host's apt index describes it (the index is signed, so its SHA256 is trusted). */
export interface DebianPackage {
  name: string;
  debianArch: string;
  version: string;
  sha256: string;
  fileName: string;
  depends: string;
}

function fieldOf(stanza: string, field: string): string | undefined {
  const match = new RegExp(`^${field}: (.*)$`, 'm').exec(stanza);
  return match?.[1]?.trim();
}

export function parseAptCacheShow(text: string, name: string, debianArch: string): DebianPackage | undefined {
  const stanza = text.split(/\n\n/)[0] ?? '';
  const version = fieldOf(stanza, 'Version');
  const sha256 = fieldOf(stanza, 'SHA256');
  const filename = fieldOf(stanza, 'Filename');
  if (!version || !sha256 || !filename) return undefined;
  return { name, debianArch, version, sha256, fileName: basename(filename), depends: fieldOf(stanza, 'Depends') ?? '' };
}

const memos = new Map<string, Promise<AptIndexMemo>>();

/** `apt-cache show` of one package, from the memo when the apt index has not changed. */
async function aptCacheShow(cacheRoot: string, name: string, debianArch: string): Promise<string | undefined> {
  const memo = memos.get(cacheRoot) ?? AptIndexMemo.open(cacheRoot);
  memos.set(cacheRoot, memo);
  const question = `show ${name}:${debianArch}`;
  const known = (await memo).get(question);
  if (known !== undefined) return known;
  const result = await execa('apt-cache', ['show', '--no-all-versions', `${name}:${debianArch}`], { reject: false, env: { LC_ALL: 'C' } });
  if (result.exitCode !== 0) return undefined;
  await (await memo).set(question, result.stdout);
  return result.stdout;
}

/** The candidate version of `name` for `debianArch` in the host's apt index. */
export async function resolveDebianPackage(cacheRoot: string, name: string, debianArch: string): Promise<DebianPackage> {
  const shown = await aptCacheShow(cacheRoot, name, debianArch);
  const found = shown === undefined ? undefined : parseAptCacheShow(shown, name, debianArch);
  if (!found) {
    throw new EmbError(
      `Debian package ${name}:${debianArch} is not in the host's apt index`,
      `run: dpkg --add-architecture ${debianArch} && apt-get update (npm run setup does this)`,
    );
  }
  return found;
}

/**
 * A metapackage such as linux-image-arm64 is followed to the package it depends on
 * that carries the files (linux-image-6.1.0-28-arm64).
 */
export async function resolveImagePackage(cacheRoot: string, name: string, debianArch: string, prefix: string): Promise<DebianPackage> {
  const first = await resolveDebianPackage(cacheRoot, name, debianArch);
  const target = first.depends
    .split(',')
    .map((dep) => dep.trim().split(/\s/)[0] ?? '')
    .find((dep) => dep.startsWith(prefix) && dep !== name);
  return target ? resolveDebianPackage(cacheRoot, target.replace(/:.*$/, ''), debianArch) : first;
}

/**
 * Download a package with apt (its configuration, mirrors and proxy), check the bytes
 * against the index's SHA256, and rename it into the download cache.
 */
export async function downloadDebianPackage(cacheRoot: string, pkg: DebianPackage): Promise<string> {
  const finalPath = downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName);
  if (await pathExists(finalPath)) return finalPath;
  await mkdir(join(cacheRoot, 'downloads', pkg.sha256), { recursive: true });
  const work = await mkdtemp(join(cacheRoot, 'downloads', '.tmp-apt-'));
  try {
    const result = await execa('apt-get', ['download', `${pkg.name}:${pkg.debianArch}=${pkg.version}`], { cwd: work, reject: false, env: { LC_ALL: 'C' } });
    if (result.exitCode !== 0) {
      throw new EmbError(`apt-get download ${pkg.name}:${pkg.debianArch}=${pkg.version} failed: ${result.stderr.split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode}`}`, 'check the host can reach its Debian mirror (apt-get update)');
    }
    const [downloaded] = await readdir(work);
    if (!downloaded) throw new EmbError(`apt-get download ${pkg.name} wrote no file`, 'check the host apt configuration');
    const got = await sha256OfFile(join(work, downloaded));
    if (got !== pkg.sha256) {
      throw new EmbError(`${downloaded}: sha256 ${got} does not match the apt index (${pkg.sha256}); the download was deleted`, 'run apt-get update and try again');
    }
    await rename(join(work, downloaded), finalPath);
    return finalPath;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
