import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { sha256OfFile } from '../fs/hash.ts';
import { pinnedPackage } from '../lock/pinned-package.ts';
import { AptIndexMemo } from './apt-index-memo.ts';
import { debianArchiveUris } from './debian-mirrors.ts';
import { downloadCachePath, fetchVerified } from './download.ts';
import { isIntactDownload } from './intact-download.ts';
import { faultPoint } from '../fs/fault-point.ts';

/** One binary package as the host's apt index describes it (the index is signed, so its SHA256 is trusted). */
export interface DebianPackage {
  name: string;
  debianArch: string;
  version: string;
  sha256: string;
  fileName: string;
  /** The index's Filename: the .deb's path in a Debian mirror's pool (pool/main/…). */
  poolPath: string;
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
  return { name, debianArch, version, sha256, fileName: basename(filename), poolPath: filename, depends: fieldOf(stanza, 'Depends') ?? '' };
}

const memos = new Map<string, Promise<AptIndexMemo>>();

/** Answers awaited by questions asked in the same tick: they become one apt-cache call. */
interface PendingBatch {
  questions: Map<string, { name: string; debianArch: string }>;
  answered: Promise<Map<string, string>>;
}
const batches = new Map<string, PendingBatch>();

/** Each stanza of a multi-package `apt-cache show`, by "name:arch" as asked ("all" packages answer any arch). */
export function stanzasByPackage(text: string, asked: ReadonlyMap<string, { name: string; debianArch: string }>): Map<string, string> {
  const found = new Map<string, string>();
  for (const stanza of text.split(/\n\n+/)) {
    const name = fieldOf(stanza, 'Package');
    const arch = fieldOf(stanza, 'Architecture');
    if (!name) continue;
    for (const [question, wanted] of asked) {
      if (wanted.name === name && (arch === wanted.debianArch || arch === 'all') && !found.has(question)) found.set(question, stanza);
    }
  }
  return found;
}

/**
 * apt-cache loads the whole index on every start (1.5–2 s here), so the questions of
 * one tick go to it as one call, and its answers are memoised.
 */
function askInBatch(cacheRoot: string, question: string, name: string, debianArch: string): Promise<Map<string, string>> {
  let batch = batches.get(cacheRoot);
  if (!batch) {
    const questions = new Map<string, { name: string; debianArch: string }>();
    const answered = new Promise<Map<string, string>>((resolve, reject) => {
      setImmediate(() => {
        batches.delete(cacheRoot);
        const specs = [...questions.values()].map((wanted) => `${wanted.name}:${wanted.debianArch}`);
        execa('apt-cache', ['show', '--no-all-versions', ...specs], { reject: false, env: { LC_ALL: 'C' } }).then(
          (result) => resolve(stanzasByPackage(result.stdout, questions)),
          reject,
        );
      });
    });
    batch = { questions, answered };
    batches.set(cacheRoot, batch);
  }
  batch.questions.set(question, { name, debianArch });
  return batch.answered;
}

/** `apt-cache show` of one package, from the memo when the apt index has not changed. */
async function aptCacheShow(cacheRoot: string, name: string, debianArch: string): Promise<string | undefined> {
  const memo = memos.get(cacheRoot) ?? AptIndexMemo.open(cacheRoot);
  memos.set(cacheRoot, memo);
  const question = `show ${name}:${debianArch}`;
  const known = (await memo).get(question);
  if (known !== undefined) return known;
  const answer = (await askInBatch(cacheRoot, question, name, debianArch)).get(question);
  if (answer !== undefined) await (await memo).set(question, answer);
  return answer;
}

/**
 * `name` for `debianArch` as emb.lock pins it, or (a package the lock lacks, or `emb lock
 * --update`) the candidate version in the host's apt index, then pinned.
 */
export function resolveDebianPackage(cacheRoot: string, name: string, debianArch: string): Promise<DebianPackage> {
  return pinnedPackage(name, debianArch, 'host', () => candidateInHostApt(cacheRoot, name, debianArch));
}

/**
 * apt answered that it has no such package (not that it could not be asked): the one
 * failure `emb lock --update` takes as "drop the pin" (src/lock/update-lock.ts).
 */
export class NotInAptIndexError extends EmbError {}

/** The candidate version of `name` for `debianArch` in the host's apt index. */
async function candidateInHostApt(cacheRoot: string, name: string, debianArch: string): Promise<DebianPackage> {
  const shown = await aptCacheShow(cacheRoot, name, debianArch);
  const found = shown === undefined ? undefined : parseAptCacheShow(shown, name, debianArch);
  if (!found) {
    throw new NotInAptIndexError(
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
 * Download packages with apt (its configuration, mirrors and proxy) in one call, check
 * each file against the index's SHA256, and rename it into the download cache. A
 * file with the wrong bytes is deleted, never kept.
 */
/**
 * Which apt answers: the host's by default, or another configuration (emb's private
 * apt, for components the host does not list) by its environment (APT_CONFIG) and what
 * to say when it fails.
 */
export interface AptSource {
  env: Readonly<Record<string, string>>;
  /** Names the configuration in messages, e.g. "emb's private apt, …/apt.conf". */
  what: string;
  /** What to do when the index and a download disagree. */
  refreshHint: string;
}

const hostApt: AptSource = { env: { LC_ALL: 'C' }, what: 'the host apt', refreshHint: 'run apt-get update and try again' };

export async function downloadDebianPackages(
  cacheRoot: string,
  packages: readonly DebianPackage[],
  apt: AptSource = hostApt,
): Promise<string[]> {
  const paths = packages.map((pkg) => downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName));
  const missing: DebianPackage[] = [];
  for (const pkg of packages)
    if (!(await isIntactDownload(downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName), pkg.sha256))) missing.push(pkg);
  if (missing.length === 0) return paths;
  await mkdir(join(cacheRoot, 'downloads'), { recursive: true });
  // Named with the pid like every other temp (fs/atomic.ts), so `emb cache gc` leaves a live download alone.
  const work = await mkdtemp(join(cacheRoot, 'downloads', `.tmp-${process.pid}-apt-`));
  try {
    const specs = missing.map((pkg) => `${pkg.name}:${pkg.debianArch}=${pkg.version}`);
    const result = await execa('apt-get', ['download', ...specs], { cwd: work, reject: false, env: { ...apt.env } });
    await faultPoint('apt-download');
    if (result.exitCode !== 0) {
      // A version apt no longer offers (emb.lock pins it; the mirror has moved on), or no
      // apt at all: the .deb's pool path on each Debian mirror, a snapshot mirror included.
      const through = apt === hostApt ? '' : ` (${apt.what})`;
      const aptSaid = `apt-get download${through}: ${result.stderr.split('\n').filter(Boolean).pop() ?? `exit ${result.exitCode}`}`;
      for (const pkg of missing) await downloadFromMirrorPool(cacheRoot, pkg, aptSaid);
      return paths;
    }
    const downloaded = await readdir(work);
    for (const pkg of missing) {
      const file = downloaded.find(
        (name) => (name.startsWith(`${pkg.name}_`) && name.endsWith(`_${pkg.debianArch}.deb`)) || name === pkg.fileName,
      );
      if (!file) throw new EmbError(`apt-get download ${pkg.name}:${pkg.debianArch} wrote no file`, `check ${apt.what}'s configuration`);
      const got = await sha256OfFile(join(work, file));
      if (got !== pkg.sha256) {
        throw new EmbError(
          `${file}: sha256 ${got} does not match the index of ${apt.what} (${pkg.sha256}); the download was deleted`,
          apt.refreshHint,
        );
      }
      const finalPath = downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName);
      await mkdir(join(cacheRoot, 'downloads', pkg.sha256), { recursive: true });
      await rename(join(work, file), finalPath);
    }
    return paths;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `pkg` by its pool path from each Debian mirror (EMB_DEBIAN_MIRROR first), checked by sha256. */
async function downloadFromMirrorPool(cacheRoot: string, pkg: DebianPackage, aptSaid: string): Promise<void> {
  const candidates = (await debianArchiveUris()).map((uri) => ({ label: 'Debian mirror', url: `${uri}/${pkg.poolPath}` }));
  try {
    await fetchVerified(cacheRoot, pkg.fileName, pkg.sha256, candidates);
  } catch (error) {
    const tried = error instanceof EmbError ? error.message.replace(/^.*?: tried /, '') : String(error);
    throw new EmbError(
      `${pkg.name}:${pkg.debianArch} ${pkg.version} (as emb.lock pins it) cannot be downloaded: ${aptSaid}; ${tried}`,
      'run `emb lock --update` to pin what the mirror offers now, or set EMB_DEBIAN_MIRROR to a snapshot mirror that still has this version (e.g. https://snapshot.debian.org/archive/debian/20261101T000000Z)',
    );
  }
}

export async function downloadDebianPackage(cacheRoot: string, pkg: DebianPackage, apt: AptSource = hostApt): Promise<string> {
  await downloadDebianPackages(cacheRoot, [pkg], apt);
  return downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName);
}
