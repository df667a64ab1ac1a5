/** Wiring only: each command lives in src/commands/, its logic in the stage folders. */
import { Command } from 'commander';
import { z } from 'zod';
import { boardsCommand } from './commands/boards.ts';
import { bootloaderCommand } from './commands/bootloader.ts';
import { buildCommand } from './commands/build.ts';
import { cacheCommand } from './commands/cache.ts';
import { cmdlineCommand } from './commands/cmdline.ts';
import { doctorCommand } from './commands/doctor.ts';
import { packageCommand } from './commands/package.ts';
import { packagesCommand } from './commands/packages.ts';
import { pxeCommand } from './commands/pxe.ts';
import { qemuCommand } from './commands/qemu.ts';
import { serveCommand } from './commands/serve.ts';
import { toolchainCommand } from './commands/toolchain.ts';
import { formatUserError, isEmbError } from './errors.ts';
import { embVersion } from './pipeline/version.ts';

// A reader that went away (`emb packages | head`) is a normal end, as for any Unix
// tool: stop quietly instead of dying on an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command('emb')
  .description('build tiny initramfs-only Linux systems for network-booted nodes')
  .version(embVersion)
  .option('--debug', 'show stack traces')
  .addCommand(buildCommand)
  .addCommand(qemuCommand)
  .addCommand(boardsCommand)
  .addCommand(pxeCommand)
  .addCommand(bootloaderCommand)
  .addCommand(serveCommand)
  .addCommand(packagesCommand)
  .addCommand(packageCommand)
  .addCommand(doctorCommand)
  .addCommand(cacheCommand)
  .addCommand(cmdlineCommand)
  .addCommand(toolchainCommand);

try {
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
