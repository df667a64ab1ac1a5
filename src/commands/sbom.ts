import { Command } from 'commander';
import { z } from 'zod';
import { cacheDir, distDir } from '../paths.ts';
import { runSbom } from '../sbom/run-sbom.ts';

export const sbomOptionsSchema = z.object({
  board: z.string().min(1),
  dist: z.string().optional(),
  out: z.string().optional(),
});

export const sbomCommand = new Command('sbom')
  .description('CycloneDX 1.5 JSON of the image in dist/<board>/: packages, Debian packages, kernel, modules and firmware')
  .option('-b, --board <name>', 'board profile (a file in boards/)', 'qemu-aarch64')
  .option('--dist <dir>', 'the output root the image was built into (emb build --out; default: ./dist)')
  .option('-o, --out <file>', 'write the SBOM to this file instead of standard output')
  .action(async (raw: unknown) => {
    const options = sbomOptionsSchema.parse(raw);
    const result = await runSbom({
      board: options.board,
      outDir: distDir(options.board, options.dist),
      cacheRoot: cacheDir(),
      outFile: options.out,
      warn: (line) => process.stderr.write(`emb: warning: ${line}\n`),
    });
    if (options.out === undefined) process.stdout.write(result.json);
    else console.log(`${options.out}: CycloneDX 1.5, ${result.summary}`);
  });
