import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EmbError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic.ts';

/**
 * emb.lock: every Debian package emb imports (glibc, runit, BOINC and its libraries,
 * node_exporter, kernels, bootloaders, firmware, the GPU driver), pinned by name,
 * version, arch and the sha256 of its .deb. A build takes exactly these, so an
 * `apt-get update` on the build host cannot change an image; `emb lock --update`
 * moves the pins on purpose. Committed, so every clone builds the same bytes.
 */
export const LOCK_VERSION = 1;

const lockEntrySchema = z
  .object({
    /** The architecture apt is asked for it by (an Architecture: all .deb may be asked as arm64). */
    architecture: z.string().min(1),
    version: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
    /** The pool path on a Debian mirror (the index's Filename): where a snapshot mirror has it too. */
    filename: z.string().regex(/^pool(?:\/(?!\.\.?(?:\/|$))[^\s/]+)+\.deb$/, 'a pool/… path ending in .deb, without . or .. parts'),
    /** The index's Depends line (a kernel metapackage is followed through it). */
    depends: z.string(),
    /** Which apt answered: the host's (main) or emb's private one (contrib, non-free, firmware). */
    apt: z.enum(['host', 'private']),
  })
  .strict();

export type LockEntry = z.infer<typeof lockEntrySchema>;

const lockSchema = z
  .object({
    lockVersion: z.literal(LOCK_VERSION),
    about: z.string().optional(),
    packages: z.record(z.string().regex(/^[a-z0-9][a-z0-9+.-]*:[a-z0-9]+$/, 'name:arch'), lockEntrySchema),
  })
  .strict();

/** Entries by "name:arch" as emb asks for them (an Architecture: all package is asked as name:<arch> or name:all). */
export type LockEntries = Map<string, LockEntry>;

export function lockKey(name: string, debianArch: string): string {
  return `${name}:${debianArch}`;
}

const about =
  'Debian packages emb imports, pinned: builds use exactly these. `emb lock --update` moves them to what apt offers now and prints what changed.';

/** The file's text: sorted keys, two-space JSON, one trailing newline, so a diff shows only what changed. */
export function lockText(entries: LockEntries): string {
  const packages: Record<string, LockEntry> = {};
  for (const key of [...entries.keys()].sort()) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    packages[key] = {
      architecture: entry.architecture,
      version: entry.version,
      sha256: entry.sha256,
      filename: entry.filename,
      depends: entry.depends,
      apt: entry.apt,
    };
  }
  return `${JSON.stringify({ lockVersion: LOCK_VERSION, about, packages }, null, 2)}\n`;
}

/** The first problem zod found, as "packages.libc6:arm64.sha256: a sha256 in hex". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not a lock file';
  const where = issue.path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** The lock's entries; none when the file does not exist. A damaged file is one line naming it. */
export async function readLockFile(file: string): Promise<LockEntries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const fix = 'fix the file by hand, or restore it from git (git checkout emb.lock) and run emb lock --update';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EmbError(`${file}: not JSON (${(error as Error).message})`, fix);
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) throw new EmbError(`${file}: ${firstIssue(parsed.error)}`, fix);
  return new Map(Object.entries(parsed.data.packages));
}

export async function writeLockFile(file: string, entries: LockEntries): Promise<void> {
  await writeFileAtomic(file, lockText(entries));
}
