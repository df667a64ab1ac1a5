import type { Command } from 'commander';
import { EmbError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { formatComparison } from '../repro/first-difference.ts';
import { givenOptionArgs } from '../repro/given-options.ts';

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
    toolchain: options.toolchain === 'auto' ? undefined : options.toolchain,
    say: (line) => console.log(line),
  });
  if (!comparison.identical) {
    throw new EmbError(formatComparison(comparison), `both builds' dist/ folders and logs are kept in ${workDir}`);
  }
  console.log(formatComparison(comparison));
}
