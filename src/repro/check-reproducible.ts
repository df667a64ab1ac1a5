/**
 * `emb build --check-reproducible`: the board built twice from clean caches, into two
 * output folders, with the umask, time zone, locale and (when Docker can be used)
 * toolchain set apart, then dist/ compared file by file (first-difference.ts). Each
 * build is emb itself in a child process, so the umask and locale are its own from the
 * start, as they would be for a user typing the command.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { type BuildVariant, buildVariants, type NamedToolchain, umaskText } from './build-variants.ts';
import { compareDists, type DistComparison } from './first-difference.ts';
import { seedDownloads } from './seed-downloads.ts';

export interface CheckReproducibleOptions {
  board: string;
  /** The user's cache: its downloads seed the clean caches (never written). */
  cacheRoot: string;
  /** `emb build` options passed to both builds as they were given (--jobs 2, --zstd-level 3, …). */
  buildArgs: readonly string[];
  /** The toolchain the user named (--toolchain, EMB_TOOLCHAIN): both builds use it. */
  toolchain?: NamedToolchain;
  /** Where the two builds' folders go (default: the OS temp dir). */
  workRoot?: string;
  /** Progress lines. */
  say: (line: string) => void;
}

export interface CheckReproducibleResult {
  comparison: DistComparison;
  /** Kept when the builds differ (both dist/ folders and logs), removed when they match. */
  workDir: string;
}

/** The last `emb:` line a failed build printed (its one-line error), else its last line. */
async function lastErrorLine(logFile: string): Promise<string> {
  const lines = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((line) => line.trim() !== '');
  return [...lines].reverse().find((line) => line.startsWith('emb: ')) ?? lines.at(-1) ?? 'no output';
}

/**
 * One build: `emb build` under the variant's umask (set by sh before it execs node) and
 * environment, with its own cache and output root; stdout and stderr go to `logFile`.
 * Returns its seconds; a failed build is an EmbError naming its log.
 */
export async function runVariantBuild(
  variant: BuildVariant,
  build: { board: string; buildArgs: readonly string[] },
  paths: { cacheRoot: string; outRoot: string; logFile: string },
): Promise<number> {
  const started = performance.now();
  const emb = [process.execPath, join(projectRoot, 'bin', 'emb.js'), 'build', '--board', build.board];
  const args = [...emb, '--out', paths.outRoot, '--toolchain', variant.toolchain, ...build.buildArgs];
  // One file for both streams, in the order written: both append to it.
  await writeFile(paths.logFile, '');
  const log = { file: paths.logFile, append: true } as const;
  const result = await execa('sh', ['-c', 'umask "$1" && shift && exec "$@"', 'sh', umaskText(variant.umask), ...args], {
    env: { ...process.env, EMB_CACHE_DIR: paths.cacheRoot, ...variant.env },
    stdin: 'ignore',
    stdout: log,
    stderr: log,
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new EmbError(
      `the ${variant.name} build of the reproducibility check (${variant.label}) failed: ${await lastErrorLine(paths.logFile)}`,
      `its log: ${paths.logFile}`,
    );
  }
  return (performance.now() - started) / 1000;
}

/**
 * Build the board twice and compare. The first build's cache is seeded with the user's
 * downloads, the second's with the first's, so nothing is downloaded twice; nothing
 * else is shared. Both caches are removed at the end.
 */
export async function checkReproducible(options: CheckReproducibleOptions): Promise<CheckReproducibleResult> {
  const workRoot = options.workRoot ?? tmpdir();
  await mkdir(workRoot, { recursive: true });
  const workDir = await mkdtemp(join(workRoot, `emb-repro-${options.board}-`));
  const { variants, why } = await buildVariants(options.toolchain, join(workDir, 'locale'));
  options.say(`check-reproducible: board ${options.board}, two clean builds (${why}) in ${workDir}`);
  const cacheOf = (variant: BuildVariant): string => join(workDir, `${variant.name}-cache`);
  const outOf = (variant: BuildVariant): string => join(workDir, `${variant.name}-out`);
  try {
    let seedFrom = options.cacheRoot;
    for (const variant of variants) {
      const seeded = await seedDownloads(seedFrom, cacheOf(variant));
      const logFile = join(workDir, `${variant.name}.log`);
      options.say(`  ${variant.name} build: ${variant.label}, ${seeded} downloads seeded (log: ${logFile})`);
      const seconds = await runVariantBuild(variant, options, { cacheRoot: cacheOf(variant), outRoot: outOf(variant), logFile });
      options.say(`  ${variant.name} build done in ${seconds.toFixed(0)} s`);
      seedFrom = cacheOf(variant);
    }
  } finally {
    // The caches are the bulk (hundreds of MB each) and prove nothing once the builds are over.
    for (const variant of variants) await rm(cacheOf(variant), { recursive: true, force: true });
  }
  const comparison = await compareDists(join(outOf(variants[0]), options.board), join(outOf(variants[1]), options.board));
  if (comparison.identical) await rm(workDir, { recursive: true, force: true });
  return { comparison, workDir };
}
