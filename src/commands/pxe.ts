import { Command } from 'commander';
import { z } from 'zod';
import { EmbError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { runPxe } from '../pxe/run-pxe.ts';
import { consoleShellSchema } from '../schema/board.ts';
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
  consoleShell: consoleShellSchema.optional(),
  bss: z.string().optional(),
  baseUrl: z.string().optional(),
  bssUrl: z.string().optional(),
  bssTokenFile: z.string().optional(),
  dnsmasq: z.string().optional(),
  subnet: z.string().optional(),
  interface: z.string().optional(),
  serverAddress: z.string().optional(),
  httpUrl: z.string().optional(),
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
  .option(
    '--console-shell <root|login>',
    "every board's serial console shell instead of its console.shell: root (no password) or login (root's password)",
  )
  .option('--bss <file>', 'also write OpenCHAMI BSS boot parameters: .json (the API) or .yaml (ochami)')
  .option('--base-url <url>', 'HTTP URL of the tree, for the kernel and initrd URLs BSS hands out')
  .option('--bss-url <url>', 'send the boot parameters to this BSS (its …/boot/v1 base URL)')
  .option('--bss-token-file <file>', 'bearer token for --bss-url, read from this file (mode 0600), never from the command line')
  .option('--dnsmasq <file>', 'also write a dnsmasq config: proxy DHCP beside your DHCP server, TFTP over the tree (needs --subnet)')
  .option('--subnet <base>', "the nodes' IPv4 network, e.g. 10.0.0.0, for --dnsmasq")
  .option('--interface <name>', 'the interface dnsmasq answers on alone, for --dnsmasq')
  .option('--server-address <ip>', "this host's address there: the TFTP server named to iPXE, for --dnsmasq")
  .option('--http-url <url>', 'the tree over HTTP (emb serve), for iPXE to fetch by HTTP, for --dnsmasq')
  .action(async (raw: unknown) => {
    const options = pxeOptionsSchema.parse(raw);
    if (options.dnsmasq !== undefined && options.subnet === undefined) {
      throw new EmbError('--dnsmasq needs --subnet: proxy DHCP answers on one IPv4 network', "add --subnet 10.0.0.0 (the nodes' network)");
    }
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
        consoleShell: options.consoleShell,
      },
      bss: { file: options.bss, baseUrl: options.baseUrl, url: options.bssUrl, tokenFile: options.bssTokenFile },
      dnsmasq:
        options.dnsmasq === undefined || options.subnet === undefined
          ? undefined
          : {
              file: options.dnsmasq,
              subnet: options.subnet,
              interface: options.interface,
              serverAddress: options.serverAddress,
              httpUrl: options.httpUrl,
            },
    });
    const { tree } = result;
    console.log(`${result.inventory.nodes.length} nodes on ${result.boards.length} boards (${result.boards.join(', ')}) -> ${options.out}`);
    console.log(`  files       ${tree.written.length} written (${tree.bytesWritten} bytes), ${tree.unchanged} unchanged`);
    if (tree.stale.length > 0) {
      console.log(`  stale       ${tree.stale.length} file(s) no node uses: ${tree.pruned ? 'removed' : 'kept (--prune removes them)'}`);
    }
    if (options.dnsmasq !== undefined)
      console.log(`  dnsmasq     ${options.dnsmasq} (run it with: emb serve --tree ${options.out} --dnsmasq-config ${options.dnsmasq})`);
    if (result.bssEntries !== undefined)
      console.log(
        `  bss         ${result.bssEntries} entries${options.bss ? ` -> ${options.bss}` : ''}${result.bssSent !== undefined ? `, ${result.bssSent} sent to ${options.bssUrl}` : ''}`,
      );
  });
