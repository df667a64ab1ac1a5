/** Wiring only: each command lives in src/commands/, its logic in the stage folders. */
import { Command } from 'commander';
import { z } from 'zod';
import { formatUserError, isEmbError } from './errors.ts';
import { embVersion } from './pipeline/version.ts';

// A reader that went away (`emb packages | head`) is a normal end, as for any Unix
// tool: stop quietly instead of dying on an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/**
 * Each command's module, in the order `emb --help` lists them. Only the command a run
 * names is imported: a no-op `emb build` then compiles none of serve's, pxe's or
 * qemu's sources (about 150 of the 600 modules it loaded). Help, a typo or no command
 * at all load every one, so commander lists them and suggests the nearest.
 */
const commands: Record<string, () => Promise<Command>> = {
  build: async () => (await import('./commands/build.ts')).buildCommand,
  qemu: async () => (await import('./commands/qemu.ts')).qemuCommand,
  boards: async () => (await import('./commands/boards.ts')).boardsCommand,
  pxe: async () => (await import('./commands/pxe.ts')).pxeCommand,
  bootloader: async () => (await import('./commands/bootloader.ts')).bootloaderCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  packages: async () => (await import('./commands/packages.ts')).packagesCommand,
  package: async () => (await import('./commands/package.ts')).packageCommand,
  doctor: async () => (await import('./commands/doctor.ts')).doctorCommand,
  cache: async () => (await import('./commands/cache.ts')).cacheCommand,
  lock: async () => (await import('./commands/lock.ts')).lockCommand,
  cmdline: async () => (await import('./commands/cmdline.ts')).cmdlineCommand,
  toolchain: async () => (await import('./commands/toolchain.ts')).toolchainCommand,
  sbom: async () => (await import('./commands/sbom.ts')).sbomCommand,
};

/** The loader of the command this run names, else all of them; emb's own options (--debug, -V, -h) take no value. */
function commandsToLoad(argv: readonly string[]): (() => Promise<Command>)[] {
  const first = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const named = first !== undefined && Object.hasOwn(commands, first) ? commands[first] : undefined;
  return named ? [named] : Object.values(commands);
}

const program = new Command('emb')
  .description('build tiny initramfs-only Linux systems for network-booted nodes')
  .version(embVersion)
  .option('--debug', 'show stack traces');

/**
 * commander's own errors (an unknown command or option, a missing argument, a value
 * outside the choices) as emb's: one "emb: " line, a "(Did you mean build?)" suggestion
 * on the same line. Set on every command: addCommand does not pass it down.
 */
function withOneLineErrors(command: Command): void {
  command.configureOutput({
    outputError: (text, write) =>
      write(
        `emb: ${text
          .trim()
          .replace(/^error: /, '')
          .replaceAll('\n', ' ')}\n`,
      ),
  });
  for (const sub of command.commands) withOneLineErrors(sub);
}

try {
  for (const command of await Promise.all(commandsToLoad(process.argv).map((load) => load()))) program.addCommand(command);
  withOneLineErrors(program);
  await program.parseAsync(process.argv);
} catch (error) {
  const debug = program.opts<{ debug?: boolean }>().debug || process.env.EMB_DEBUG === '1';
  if (isEmbError(error)) {
    console.error(formatUserError(error));
    if (debug) console.error(error.stack);
    process.exitCode = error.exitCode;
  } else if (error instanceof z.ZodError) {
    console.error(`emb: bad option: ${error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    process.exitCode = 2;
  } else {
    console.error(
      debug && error instanceof Error
        ? error.stack
        : `emb: internal error: ${error instanceof Error ? error.message : String(error)} (run with --debug for the stack, and report it)`,
    );
    process.exitCode = 70;
  }
}
