import { isIPv4 } from 'node:net';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { EmbError } from '../errors.ts';
import { serveNetwork, type ServeNetwork } from '../serve/interface-network.ts';
import { runServe } from '../serve/run-serve.ts';
import { writeServeConfig, type WrittenConfig } from '../serve/serve-config.ts';

export const serveOptionsSchema = z.object({
  tree: z.string().min(1),
  httpPort: z.coerce.number().int().min(1).max(65535),
  bind: z.string(),
  interface: z.string().optional(),
  subnet: z.string().optional(),
  dnsmasqConfig: z.string().optional(),
  dnsmasq: z.boolean().default(true),
});

type ServeCommandOptions = z.infer<typeof serveOptionsSchema>;

/** Says which flags do not go together, before anything starts. */
function checkFlags(options: ServeCommandOptions): void {
  if (!isIPv4(options.bind)) throw new EmbError(`--bind ${options.bind} is not an IPv4 address`, 'give one like 0.0.0.0 (all) or 10.0.0.2');
  const networkFlags = options.interface !== undefined || options.subnet !== undefined;
  if (!options.dnsmasq && (networkFlags || options.dnsmasqConfig !== undefined)) {
    throw new EmbError('--no-dnsmasq serves HTTP alone: it takes no --interface, --subnet or --dnsmasq-config', 'drop one or the other');
  }
  if (options.dnsmasqConfig !== undefined && networkFlags) {
    throw new EmbError('--dnsmasq-config runs your own config: --interface and --subnet would write another', 'drop one or the other');
  }
  if (options.dnsmasq && options.dnsmasqConfig === undefined && options.interface === undefined) {
    throw new EmbError(
      'emb serve needs the interface the nodes boot on, for its proxy DHCP and TFTP server (dnsmasq)',
      'add --interface <name>; or --no-dnsmasq to serve HTTP alone, when your own DHCP and TFTP servers point the nodes here',
    );
  }
}

function printStart(tree: string, options: ServeCommandOptions, network: ServeNetwork | undefined, httpUrl: string): void {
  console.log(`emb serve: ${tree}`);
  const where = options.bind === '0.0.0.0' && network === undefined ? `http://<this host>:${options.httpPort}/` : httpUrl;
  console.log(`  http      ${options.bind}:${options.httpPort}, nodes fetch ${where}`);
  if (network) {
    console.log(
      `  dnsmasq   proxy DHCP on ${network.subnet} (${network.interface}), TFTP at ${network.address}; iPXE boots ${httpUrl}boot.ipxe`,
    );
    console.log(`  U-Boot    ignores proxy DHCP: the network's DHCP server must name ${network.address} as next-server (option 66)`);
  } else if (options.dnsmasqConfig) {
    console.log(`  dnsmasq   with ${options.dnsmasqConfig}`);
  }
  console.log('  ctrl-c stops');
}

export const serveCommand = new Command('serve')
  .description("serve a PXE tree: HTTP, and dnsmasq as proxy DHCP and TFTP server beside the network's own DHCP server")
  .requiredOption('-t, --tree <dir>', 'the tree emb pxe wrote')
  .option('--http-port <port>', 'HTTP port', '8080')
  .option('--bind <address>', 'HTTP address to listen on', '0.0.0.0')
  .option('-i, --interface <name>', 'the network the nodes boot on: dnsmasq answers there alone')
  .option('--subnet <address>', "which of the interface's IPv4 networks (its base address, e.g. 10.0.0.0; default: its first)")
  .option('--dnsmasq-config <file>', 'run dnsmasq with this config instead of writing one (see emb pxe --dnsmasq)')
  .option('--no-dnsmasq', 'serve HTTP alone, for networks whose own DHCP and TFTP servers point the nodes here')
  .action(async (raw: unknown) => {
    const options = serveOptionsSchema.parse(raw);
    checkFlags(options);
    const tree = resolve(options.tree);
    const network = options.dnsmasq && options.interface !== undefined ? serveNetwork(options.interface, options.subnet) : undefined;
    const host = options.bind !== '0.0.0.0' ? options.bind : (network?.address ?? options.bind);
    const httpUrl = `http://${host}:${options.httpPort}/`;
    let written: WrittenConfig | undefined;
    try {
      if (network) {
        const treeReal = await realpath(tree).catch(() => {
          throw new EmbError(`no tree at ${tree}`, 'write one with: emb pxe --inventory nodes.yaml --out <dir>');
        });
        written = await writeServeConfig(treeReal, network, httpUrl);
      }
      const configFile = written?.configFile ?? (options.dnsmasq ? options.dnsmasqConfig : undefined);
      await runServe({
        tree,
        httpBind: options.bind,
        httpPort: options.httpPort,
        dnsmasq: configFile !== undefined ? { configFile } : undefined,
        onReady: () => printStart(tree, options, network, httpUrl),
      });
    } finally {
      await written?.remove();
    }
  });
