import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { cacheDir } from '../paths.ts';
import { createBaseImage } from '../toolchain/base-image.ts';
import { buildToolchainImage } from '../toolchain/build-image.ts';
import { formatBytes } from './format.ts';

export const baseOptionsSchema = z.object({
  force: z.boolean().default(false),
  mirror: z.url().optional(),
});

function toolchainLog(name: string): string {
  return join(cacheDir(), 'logs', `toolchain-${name}.log`);
}

const baseCommand = new Command('base')
  .description('make the debian:bookworm base image with debootstrap (no registry needed; needs root)')
  .option('--force', 'make it again even if it exists')
  .option('--mirror <uri>', 'Debian archive to bootstrap from (default: the first one in /etc/apt)')
  .action(async (raw: unknown) => {
    const options = baseOptionsSchema.parse(raw);
    const result = await createBaseImage({ ...options, logFile: toolchainLog('base'), report: (line) => console.log(line) });
    const size = formatBytes(result.image.sizeBytes);
    if (!result.created) console.log(`${result.reference} exists (${result.image.id}, ${size}); --force makes it again`);
    else console.log(`${result.reference} imported: ${result.image.id}, ${size}, in ${result.seconds.toFixed(1)} s`);
  });

const buildImageCommand = new Command('build')
  .description('build the toolchain image from toolchain/Dockerfile and toolchain/packages/')
  .action(async () => {
    const result = await buildToolchainImage({ logFile: toolchainLog('build'), report: (line) => console.log(line) });
    console.log(
      `toolchain image ${result.tag} (also ${result.latestTag}): ${result.image.id}, ${formatBytes(result.image.sizeBytes)}, built in ${result.seconds.toFixed(1)} s`,
    );
  });

export const toolchainCommand = new Command('toolchain')
  .description('make the Docker toolchain: the base image, then the toolchain image')
  .addCommand(baseCommand)
  .addCommand(buildImageCommand);
