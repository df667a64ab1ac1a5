import { Command } from 'commander';
import { z } from 'zod';
import { cacheDir } from '../paths.ts';
import { runPxe } from '../pxe/run-pxe.ts';
import { jobsOption, jobsSchema, makeJobsOption, offlineOption, toolchainOption, toolchainSchema } from './shared-options.ts';

export const pxeOptionsSchema = z.object({
  inventory: z.string().min(1),
  out: z.string().min(1),
  dist: z.string().optional(),
  prune: z.boolean().default(false),
  jobs: jobsSchema,
  makeJobs: jobsSchema,
  offline: z.boolean().default(false),
  toolchain: toolchainSchema,
  zstdLevel: z.coerce.number().int().min(1).max(19).optional(),
  authorizedKeys: z.string().optional(),
  bss: z.string().optional(),
  baseUrl: z.string().optional(),
  bssUrl: z.string().optional(),
  bssTokenFile: z.string().optional(),
});

export const pxeCommand = new Command('pxe')
  .description("build each board an inventory uses and write the network-boot tree: boards' files once, each node's bootloader config")
  .requiredOption('-i, --inventory <file>', 'the nodes, as YAML (see README: "PXE deployment")')
  .requiredOption('-o, --out <dir>', 'the tree to write: the TFTP root (and HTTP root of emb serve)')
  .option('--dist <dir>', 'where the boards are built (default: ./dist)')
  .option('--prune', 'remove files of earlier runs that no node of this inventory uses')
  .addOption(jobsOption())
  .addOption(makeJobsOption())
  .addOption(offlineOption())
  .addOption(toolchainOption())
  .option('--zstd-level <1-19>', "zstd level instead of each board's compressionLevel")
  .option('--authorized-keys <file>', 'SSH public keys allowed to log in as root on every node')
  .option('--bss <file>', 'also write OpenCHAMI BSS boot parameters: .json (the API) or .yaml (ochami)')
  .option('--base-url <url>', 'HTTP URL of the tree, for the kernel and initrd URLs BSS hands out')
  .option('--bss-url <url>', 'send the boot parameters to this BSS (its …/boot/v1 base URL)')
  .option('--bss-token-file <file>', 'bearer token for --bss-url, read from this file (mode 0600), never from the command line')
  .action(async (raw: unknown) => {
    const options = pxeOptionsSchema.parse(raw);
    const result = await runPxe({
      inventoryFile: options.inventory,
      tree: options.out,
      distRoot: options.dist,
      cacheRoot: cacheDir(),
      prune: options.prune,
      build: {
        jobs: { packages: options.jobs, make: options.makeJobs },
        offline: options.offline,
        toolchain: options.toolchain,
        zstdLevel: options.zstdLevel,
        authorizedKeysFile: options.authorizedKeys,
      },
      bss: { file: options.bss, baseUrl: options.baseUrl, url: options.bssUrl, tokenFile: options.bssTokenFile },
    });
    const { tree } = result;
    console.log(`${result.inventory.nodes.length} nodes on ${result.boards.length} boards (${result.boards.join(', ')}) -> ${options.out}`);
    console.log(`  files       ${tree.written.length} written (${tree.bytesWritten} bytes), ${tree.unchanged} unchanged`);
    if (tree.stale.length > 0) {
      console.log(`  stale       ${tree.stale.length} file(s) no node uses: ${tree.pruned ? 'removed' : 'kept (--prune removes them)'}`);
    }
    if (result.bssEntries !== undefined)
      console.log(
        `  bss         ${result.bssEntries} entries${options.bss ? ` -> ${options.bss}` : ''}${result.bssSent !== undefined ? `, ${result.bssSent} sent to ${options.bssUrl}` : ''}`,
      );
  });
