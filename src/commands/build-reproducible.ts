import type { Command } from 'commander';
import { EmbError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { formatComparison } from '../repro/first-difference.ts';
import { givenOptionArgs } from '../repro/given-options.ts';
import type { NamedToolchain } from '../repro/build-variants.ts';

/** --toolchain, else EMB_TOOLCHAIN, when it names one (not auto): the check then uses it for both builds. */
function namedToolchain(option: 'docker' | 'host' | 'auto' | undefined, env = process.env): NamedToolchain | undefined {
  if (option === 'host' || option === 'docker') return { toolchain: option, how: `--toolchain ${option}` };
  if (option === undefined && (env.EMB_TOOLCHAIN === 'host' || env.EMB_TOOLCHAIN === 'docker')) {
    return { toolchain: env.EMB_TOOLCHAIN, how: `EMB_TOOLCHAIN=${env.EMB_TOOLCHAIN}` };
  }
  return undefined;
}

/**
 * `emb build --check-reproducible`: one line per build, then "reproducible: …" and
 * exit 0, or the first differing file as emb's one-line error (exit 1), naming where
 * both builds were kept.
 */
export async function runReproducibilityCheck(
  options: { board: string; out?: string; toolchain?: 'docker' | 'host' | 'auto' },
  command: Command,
): Promise<void> {
  if (options.out !== undefined) {
    throw new EmbError('--out is not used with --check-reproducible: its two builds go to temp folders', 'leave --out away');
  }
  const { checkReproducible } = await import('../repro/check-reproducible.ts');
  const { comparison, workDir } = await checkReproducible({
    board: options.board,
    cacheRoot: cacheDir(),
    // --board, --out and --toolchain are the check's own; everything else the user gave goes to both builds.
    buildArgs: givenOptionArgs(command, ['board', 'out', 'toolchain', 'checkReproducible']),
    toolchain: namedToolchain(options.toolchain),
    say: (line) => console.log(line),
  });
  if (!comparison.identical) {
    throw new EmbError(formatComparison(comparison), `both builds' dist/ folders and logs are kept in ${workDir}`);
  }
  console.log(formatComparison(comparison));
}
