import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, lstat, mkdir, readdir, readlink, realpath, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EmbError } from '../errors.ts';
import { faultPoint } from './fault-point.ts';
import { isProcessAlive } from './process-alive.ts';

/**
 * A folder that readers see whole, all old or all new, never a mix: `path` is a
 * symbolic link to a generation folder beside it (".<name>.gen-<pid>-<random>"). A new
 * generation is filled completely under its own name, then a new link is renamed over
 * `path`: rename(2) replaces the link in one step, so a reader (and a run killed at any
 * moment) finds the old generation or the new one. The old generation is removed after
 * the switch; one left by a killed run is removed by the next switch.
 *
 * A `path` that is a real folder (written by an emb before generations, or made empty
 * by the user) is moved aside (".<name>.old-<pid>-<random>") and the link put in its
 * place: two renames, between which `path` is missing. A run killed between them
 * leaves the aside folder, and the next call renames it back before anything else.
 */

/** Which errors of link(2) mean "not this file, not here": the file is copied then. */
const cannotLink = new Set(['EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV']);

const genPrefix = (name: string): string => `.${name}.gen-`;
const oldPrefix = (name: string): string => `.${name}.old-`;

/** The pid a generation, aside or temp name was made by ("<prefix><pid>-<random>…"). */
function ownerPid(name: string, prefix: string): number | undefined {
  const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

const deadOrMine = (pid: number | undefined): boolean => pid === undefined || pid === process.pid || !isProcessAlive(pid);

/** A killed run's aside folder goes back to `path` when `path` is missing: the old contents are readable again. */
async function restoreAside(path: string): Promise<void> {
  if (await lstat(path).catch(() => undefined)) return;
  const parent = dirname(path);
  const name = basename(path);
  const aside = (await readdir(parent).catch(() => [] as string[])).filter((entry) => entry.startsWith(oldPrefix(name))).sort();
  const last = aside.at(-1);
  if (last !== undefined) await rename(join(parent, last), path);
}

/**
 * The folder `path` shows now: its generation folder, `path` itself when it is a real
 * folder, undefined when there is nothing there yet.
 */
export async function currentGeneration(path: string): Promise<string | undefined> {
  await restoreAside(path);
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  if (info.isSymbolicLink()) return realpath(path).catch(() => undefined);
  if (info.isDirectory()) return path;
  throw new EmbError(`${path} is a file, not a folder`, 'move it away or choose another output folder');
}

/**
 * Copy the folder `from` into the empty folder `to` as hard links: a new generation
 * starts as the old one without copying a byte, and every later change to it is a
 * new file renamed in (never a write into a linked file). Temp names are left out.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    if (name.startsWith('.tmp-')) continue;
    const source = join(from, name);
    const target = join(to, name);
    const info = await lstat(source);
    if (info.isDirectory()) {
      await mkdir(target, { mode: info.mode & 0o7777 });
      await linkTree(source, target);
    } else if (info.isSymbolicLink()) await symlink(await readlink(source), target);
    else
      await link(source, target).catch(async (error: NodeJS.ErrnoException) => {
        // A file another user owns (fs.protected_hardlinks) or a filesystem without hard links: copied instead.
        if (!cannotLink.has(error.code ?? '')) throw error;
        await copyFile(source, target);
      });
  }
}

/** Switch `path` to the link `temp`, moving a real folder aside first (see above). */
async function switchTo(path: string, temp: string, faultPrefix: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info !== undefined && !info.isSymbolicLink()) {
    if (!info.isDirectory()) throw new EmbError(`${path} is a file, not a folder`, 'move it away or choose another output folder');
    const aside = join(dirname(path), `${oldPrefix(basename(path))}${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(path, aside);
    } catch (error) {
      throw new EmbError(
        `cannot move ${path} aside to replace it in one step (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        'give a folder emb may replace: not a mount point, in a folder you can write to',
      );
    }
    await faultPoint(`${faultPrefix}-aside`);
    await rename(temp, path);
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await rename(temp, path);
}

/**
 * Remove generations, aside folders and temp links beside `path` that a finished or
 * killed run left (a run killed right after its switch leaves the old generation; the
 * next run may have nothing else to do). The generation `path` links to stays, and so
 * does what a live run is making.
 */
export async function removeLeftovers(path: string): Promise<void> {
  const parent = dirname(path);
  const name = basename(path);
  const keep = await readlink(path).catch(() => undefined);
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (entry === keep) continue;
    for (const prefix of [genPrefix(name), oldPrefix(name)]) {
      if (entry.startsWith(prefix) && deadOrMine(ownerPid(entry, prefix))) await rm(join(parent, entry), { recursive: true, force: true });
    }
    if (entry.startsWith('.tmp-') && entry.endsWith(`-${name}`) && deadOrMine(ownerPid(entry, '.tmp-'))) {
      await rm(join(parent, entry), { force: true });
    }
  }
}

/**
 * Make a new generation of `path`: `fill` writes the whole folder it is given (empty,
 * or `seed`'s files as hard links when `seed` is set); then `path` switches to it in
 * one rename. When `fill` throws, the new generation is removed and `path` is as it
 * was. Fault points "<faultPrefix>-swap" (filled, not switched) and
 * "<faultPrefix>-swapped" (switched, old generation not yet removed) let tests kill a
 * run there.
 */
export async function publishGeneration(
  path: string,
  fill: (dir: string) => Promise<void>,
  options: { faultPrefix: string; seed?: string },
): Promise<void> {
  const parent = dirname(path);
  const name = basename(path);
  await mkdir(parent, { recursive: true });
  await restoreAside(path);
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const gen = `${genPrefix(name)}${id}`;
  const genDir = join(parent, gen);
  await mkdir(genDir);
  // The folder keeps its mode (a tree served by dnsmasq's user must stay readable), whatever the umask; new ones are 0755.
  await chmod(genDir, ((await stat(path).catch(() => undefined))?.mode ?? 0o755) & 0o7777);
  const temp = join(parent, `.tmp-${id}-${name}`);
  try {
    if (options.seed !== undefined) await linkTree(options.seed, genDir);
    await fill(genDir);
    await faultPoint(`${options.faultPrefix}-swap`);
    await symlink(gen, temp);
    await switchTo(path, temp, options.faultPrefix);
  } catch (error) {
    await rm(temp, { force: true });
    await rm(genDir, { recursive: true, force: true });
    throw error;
  }
  await faultPoint(`${options.faultPrefix}-swapped`);
  await removeLeftovers(path);
}
