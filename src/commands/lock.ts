import { Command } from 'commander';
import { z } from 'zod';
import { EmbError } from '../errors.ts';
import { walkLock } from '../lock/update-lock.ts';
import { cacheDir } from '../paths.ts';
import { listBoardNames } from '../plan/load-board.ts';
import { toolchainOption, toolchainSchema } from './shared-options.ts';

const lockOptionsSchema = z.object({
  update: z.boolean().default(false),
  check: z.boolean().default(false),
  board: z.array(z.string()).optional(),
  toolchain: toolchainSchema,
});

export const lockCommand = new Command('lock')
  .description('pin every Debian package the boards import in emb.lock (name, version, arch, sha256)')
  .option('--update', 'move every pin to what apt offers now, and print what changed')
  .option('--check', 'fail if a board imports a package emb.lock does not pin (for CI)')
  .option('-b, --board <name...>', 'only these boards (default: every board)')
  .addOption(toolchainOption())
  .action(async (raw: unknown) => {
    const options = lockOptionsSchema.parse(raw);
    if (options.update && options.check) throw new EmbError('--update and --check were both given', 'give one of them');
    const boards = options.board ?? (await listBoardNames());
    const mode = options.update ? 'refresh' : options.check ? 'locked' : 'use';
    const run = await walkLock(mode, boards, cacheDir(), options.toolchain);
    for (const line of run.changes) console.log(line);
    const what = `${run.after.size} packages pinned for ${boards.length} board${boards.length === 1 ? '' : 's'}`;
    if (mode === 'locked') console.log(`${run.file}: complete, ${what}`);
    else console.log(`${run.file}: ${run.changes.length === 0 ? 'unchanged' : `${run.changes.length} changed`}, ${what}`);
  });
