import { Command, Option } from 'commander';
import { z } from 'zod';
import { commandLineLength, type CommandLineLength } from '../cmdline/command-line-size.ts';
import { type InitWarning, initWarnings } from '../cmdline/init-environment.ts';
import { parseCmdline, type ParsedCmdline } from '../cmdline/parse-cmdline.ts';
import { EmbError } from '../errors.ts';
import { loadBoard } from '../plan/load-board.ts';
import { archSchema } from '../schema/board.ts';

export const cmdlineOptionsSchema = z.object({
  cmdline: z.string().default(''),
  arch: archSchema.optional(),
  board: z.string().min(1).optional(),
});

export interface CmdlineReport {
  cmdline: string;
  length: CommandLineLength;
  known: ParsedCmdline['known'];
  /** The node's parser's warnings, then what the kernel would panic on or hand to init's environment. */
  warnings: (ParsedCmdline['warnings'][number] | InitWarning)[];
  passthrough: string[];
  initArgs: string[];
}

/** The judgement `emb cmdline` prints; throws when the kernel would cut the line. */
export async function runCmdline(raw: z.input<typeof cmdlineOptionsSchema> | Record<string, unknown>): Promise<CmdlineReport> {
  const options = cmdlineOptionsSchema.parse(raw);
  const board = options.board ? (await loadBoard(options.board)).board : undefined;
  if (board && options.arch && options.arch !== board.arch) {
    throw new EmbError(`--arch ${options.arch} contradicts board ${board.name}, which is ${board.arch}`, 'give one of them');
  }
  // A bootloader puts the board's arguments first, then the node's.
  const cmdline = [board?.cmdline ?? '', options.cmdline].filter((part) => part.trim() !== '').join(' ');
  const length = commandLineLength(cmdline, options.arch ?? board?.arch ?? 'aarch64');
  if (!length.fits) {
    throw new EmbError(
      `the command line is ${length.bytes} bytes; the ${length.arch} kernel keeps ${length.maxBytes} and silently cuts the rest`,
      'shorten it: the per-node arguments come last and would be the ones lost',
    );
  }
  const parsed = parseCmdline(cmdline);
  return {
    cmdline,
    length,
    known: parsed.known,
    warnings: [...parsed.warnings, ...initWarnings(cmdline)],
    passthrough: parsed.passthrough,
    initArgs: parsed.initArgs,
  };
}

export const cmdlineCommand = new Command('cmdline')
  .description(
    'parse a kernel command line as the node will: known uebo.*/bee.* keys typed, warnings, pass-through and init arguments, length against the kernel limit (JSON)',
  )
  .argument('[cmdline]', 'the whole command line, quoted as one argument', '')
  .addOption(
    new Option('--arch <arch>', "kernel whose length limit applies (default: the board's, else aarch64)").choices(archSchema.options),
  )
  .option('-b, --board <name>', "prepend this board's cmdline, as its bootloader would")
  .action(async (cmdline: string, options: Record<string, unknown>) => {
    console.log(JSON.stringify(await runCmdline({ cmdline, ...options }), null, 2));
  });
