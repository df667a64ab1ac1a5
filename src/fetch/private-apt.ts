import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import { sha256Hex } from '../fs/hash.ts';
import { updatePrivateLists } from './private-apt-update.ts';
import {
  type AptSource,
  debianSourcesOf,
  parseDeb822Sources,
  parseOneLineSources,
  privateAptConf,
  privateSourcesText,
  proxyLinesIn,
} from './private-apt-sources.ts';

/**
 * emb's own apt, for packages in the components the host's apt may not list
 * (contrib, non-free, non-free-firmware): APT_CONFIG names a configuration whose every
 * directory (sources, lists, cache, status, apt.conf.d) is under the cache's
 * apt-private/ folder. The host's /etc/apt is only read: its Debian mirror and suites,
 * its keyrings (so Release signatures are checked as the host checks them) and its proxy.
 */

/** A private apt configuration ready to use: pass `env` to apt-get and apt-cache. */
export interface PrivateApt {
  dir: string;
  configFile: string;
  env: { APT_CONFIG: string; LC_ALL: string };
}

export interface PrivateAptOptions {
  /** Run apt-get update even when the lists are less than a day old. */
  refresh?: boolean;
  /** Never run apt-get update: use the lists there are (an error when there are none). */
  offline?: boolean;
  /** Where the host's apt configuration is read from (tests point it at a fixture). */
  hostAptDir?: string;
  /** The host's `apt-config dump`, for its proxy; by default apt-config is run. */
  hostConfigDump?: string;
  /** Lists older than this are fetched again (a day; an hour when some index could not be fetched). */
  maxAgeMs?: number;
  /** apt-get update tries, the pause between them and each try's time limit (3, 10 s, 180 s). */
  tries?: number;
  pauseMs?: number;
  timeoutMs?: number;
  /** The apt-get to run (tests give a stand-in). */
  aptGet?: string;
  /** Where "going on with older lists" warnings go (stderr). */
  warn?: (line: string) => void;
  now?: () => number;
}

const hour = 60 * 60_000;
const day = 24 * hour;
const stampFormat = 'emb-private-apt-1';

export function privateAptDir(cacheRoot: string): string {
  return join(cacheRoot, 'apt-private');
}

/** The host's apt sources: sources.list and sources.list.d/*.list (one-line) and *.sources (deb822). */
export async function readHostSources(aptDir = '/etc/apt'): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const main = await readFile(join(aptDir, 'sources.list'), 'utf8').catch(() => undefined);
  if (main !== undefined) sources.push(...parseOneLineSources(main));
  const partsDir = join(aptDir, 'sources.list.d');
  const parts = (await readdir(partsDir).catch(() => [] as string[])).sort();
  for (const name of parts) {
    if (!name.endsWith('.list') && !name.endsWith('.sources')) continue;
    const text = await readFile(join(partsDir, name), 'utf8');
    sources.push(...(name.endsWith('.sources') ? parseDeb822Sources(text) : parseOneLineSources(text)));
  }
  return sources;
}

async function hostConfigDump(options: PrivateAptOptions): Promise<string> {
  if (options.hostConfigDump !== undefined) return options.hostConfigDump;
  const env: Record<string, string> = { LC_ALL: 'C' };
  const result = await execa('apt-config', ['dump'], { reject: false, env, extendEnv: true });
  return result.exitCode === 0 ? String(result.stdout) : '';
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  if ((await readFile(path, 'utf8').catch(() => undefined)) !== text) await writeFileAtomic(path, text, 0o644);
}

/**
 * Write (or leave, when already right) the private configuration and its folders.
 * Returns it with a key of its text: lists fetched under another configuration (the
 * host moved to another mirror) are fetched again.
 */
export async function writePrivateAptConfig(
  cacheRoot: string,
  options: PrivateAptOptions = {},
): Promise<{ apt: PrivateApt; configKey: string }> {
  const hostAptDir = options.hostAptDir ?? '/etc/apt';
  const sources = debianSourcesOf(await readHostSources(hostAptDir));
  if (sources.length === 0) {
    throw new EmbError(
      `the host's apt sources (${hostAptDir}/sources.list, ${hostAptDir}/sources.list.d/) list no Debian archive, so emb's private apt has no mirror to use`,
      'add a Debian mirror to the host\'s apt sources (e.g. "deb http://deb.debian.org/debian bookworm main"), then run emb again',
    );
  }
  const dir = privateAptDir(cacheRoot);
  const configFile = join(dir, 'apt.conf');
  const conf = privateAptConf({ dir, sandboxUser: userInfo().username, proxyLines: proxyLinesIn(await hostConfigDump(options)) });
  const sourcesText = privateSourcesText(sources);
  for (const sub of ['apt.conf.d', 'sources.list.d', 'preferences.d', 'state', 'lists/partial', 'cache/archives/partial', 'log']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  // dpkg's status of emb's apt: nothing is ever installed through it.
  if (!(await pathExists(join(dir, 'status')))) await writeFile(join(dir, 'status'), '');
  await writeIfChanged(join(dir, 'sources.list.d', 'debian.sources'), sourcesText);
  await writeIfChanged(configFile, conf);
  return { apt: { dir, configFile, env: { APT_CONFIG: configFile, LC_ALL: 'C' } }, configKey: sha256Hex(`${conf}\n${sourcesText}`) };
}

interface Stamp {
  format: string;
  configKey: string;
  updatedAt: number;
  /** False when some index could not be fetched (a mirror mid-sync): tried again after an hour, not a day. */
  complete: boolean;
}

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(join(dir, 'updated.json'), 'utf8')) as Stamp;
    return stamp.format === stampFormat && typeof stamp.updatedAt === 'number' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lists hold at least one Packages index (apt-get update fetched something once). */
export async function hasPackageLists(apt: PrivateApt): Promise<boolean> {
  const names = await readdir(join(apt.dir, 'lists')).catch(() => [] as string[]);
  return names.some((name) => /_Packages(?:\.(?:gz|xz|lz4|zst|bz2))?$/.test(name));
}

/**
 * The private configuration, with lists at most a day old: apt-get update runs when
 * they are older, were fetched under another configuration, or `refresh` asks; never
 * with `offline`. A mirror mid-sync is retried (scripts/setup.sh does the same); when
 * an index still fails, the lists it has are used, and tried again after an hour.
 */
export async function preparePrivateApt(cacheRoot: string, options: PrivateAptOptions = {}): Promise<PrivateApt> {
  const { apt, configKey } = await writePrivateAptConfig(cacheRoot, options);
  const now = (options.now ?? Date.now)();
  const stamp = await readStamp(apt.dir);
  const maxAge = stamp?.complete === false ? Math.min(hour, options.maxAgeMs ?? day) : (options.maxAgeMs ?? day);
  const fresh = stamp !== undefined && stamp.configKey === configKey && now - stamp.updatedAt < maxAge;
  if (options.offline) {
    if (await hasPackageLists(apt)) return apt;
    throw new EmbError(
      `--offline: emb's private apt lists (${join(apt.dir, 'lists')}) were never fetched, so raspi-firmware and other non-free-firmware packages cannot be found`,
      'run emb once without --offline',
    );
  }
  if (fresh && !options.refresh) return apt;
  const complete = await updatePrivateLists(apt, {
    aptGet: options.aptGet ?? 'apt-get',
    tries: options.tries ?? 3,
    pauseMs: options.pauseMs ?? 10_000,
    timeoutMs: options.timeoutMs ?? 180_000,
    warn: options.warn ?? ((line) => console.error(line)),
    hasLists: () => hasPackageLists(apt),
  });
  const next: Stamp = { format: stampFormat, configKey, updatedAt: now, complete };
  await writeFileAtomic(join(apt.dir, 'updated.json'), `${JSON.stringify(next)}\n`);
  return apt;
}
