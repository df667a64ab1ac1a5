import { extname, resolve } from 'node:path';
import { commandLineLength } from '../cmdline/command-line-size.ts';
import { initLimitProblem } from '../cmdline/init-environment.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { EmbError } from '../errors.ts';
import { distDir } from '../paths.ts';
import { runBuild, type BuildOptions } from '../pipeline/run-build.ts';
import { listBoardNames, loadBoard, type LoadedBoard } from '../plan/load-board.ts';
import { bssBootParameters, bssPayloadJson, bssPayloadYaml, sendBootParameters } from './bss.ts';
import { bootParametersUrl } from './bss-send.ts';
import { readBearerToken } from './bss-token.ts';
import { dnsmasqConfig } from './dnsmasq-config.ts';
import { loadInventory, type Inventory } from './inventory.ts';
import { netbootFlowOf } from './netboot-flow.ts';
import { boardTreeFiles, nodeCommandLine, planTree, type BoardBuild } from './plan-tree.ts';
import { archiveMtime } from '../pack/mtime.ts';
import { nodeSecretsInitrds, refuseSecretsInBss } from './node-secrets.ts';
import { prepareRaspiNetboot } from './raspi-netboot.ts';
import { writeTree, type TreeWriteResult } from './write-tree.ts';

export interface PxeOptions {
  inventoryFile: string;
  /** The tree to write: the TFTP root, served over HTTP too. */
  tree: string;
  /** Where the boards' builds go (dist/ by default); the tree gets copies. */
  distRoot?: string;
  cacheRoot: string;
  prune: boolean;
  build: Pick<
    BuildOptions,
    'jobs' | 'offline' | 'toolchain' | 'zstdLevel' | 'authorizedKeysFile' | 'rootPasswordHashFile' | 'consoleShell'
  >;
  bss?: { file?: string; baseUrl?: string; url?: string; tokenFile?: string };
  /** Also write a dnsmasq config (proxy DHCP + TFTP over the tree) to `file`. */
  dnsmasq?: { file: string; subnet: string; interface?: string; serverAddress?: string; httpUrl?: string };
  /** Where warnings go (stderr). */
  warn?: (line: string) => void;
}

export interface PxeResult {
  inventory: Inventory;
  boards: string[];
  tree: TreeWriteResult;
  bssEntries?: number;
  bssSent?: number;
}

/**
 * The BSS options make sense together or not at all, and each must be usable: the
 * URLs parse, the token file is private. All of it is checked before anything is
 * built or written, so a refused run leaves the tree as it was.
 */
async function checkBssOptions(bss: PxeOptions['bss']): Promise<void> {
  if (bss === undefined) return;
  if ((bss.file !== undefined || bss.url !== undefined) && bss.baseUrl === undefined) {
    throw new EmbError(
      '--bss and --bss-url need --base-url: BSS hands nodes kernel and initrd as URLs',
      'add --base-url http://<server>:<port>/',
    );
  }
  if (bss.url !== undefined && bss.tokenFile === undefined) {
    throw new EmbError(
      '--bss-url needs --bss-token-file: BSS takes a bearer token, and emb reads it only from a file',
      'add --bss-token-file <file, mode 0600>',
    );
  }
  if (bss.file !== undefined && !['.json', '.yaml', '.yml'].includes(extname(bss.file))) {
    throw new EmbError(`--bss ${bss.file}: the file name must end in .json (the API's form) or .yaml (ochami's)`, 'rename it');
  }
  // No nodes yet: this only checks the base URL the way the payload will use it.
  if (bss.baseUrl !== undefined) bssBootParameters([], bss.baseUrl);
  if (bss.url !== undefined) bootParametersUrl(bss.url);
  if (bss.tokenFile !== undefined) await readBearerToken(bss.tokenFile);
}

/** The dnsmasq options make sense together, and the config is made before the tree is touched. */
function dnsmasqConfigFor(options: PxeOptions): string | undefined {
  const { dnsmasq } = options;
  if (dnsmasq === undefined) return undefined;
  return dnsmasqConfig({
    tree: resolve(options.tree),
    subnet: dnsmasq.subnet,
    interface: dnsmasq.interface,
    serverAddress: dnsmasq.serverAddress,
    httpUrl: dnsmasq.httpUrl,
  });
}

/**
 * emb pxe: read the inventory, check every board can boot from the network, build
 * (or reuse) each board used, then bring the tree up to date and write the BSS
 * parameters. Everything that can be refused is refused before the tree is touched.
 */
export async function runPxe(options: PxeOptions): Promise<PxeResult> {
  await checkBssOptions(options.bss);
  const dnsmasq = dnsmasqConfigFor(options);
  const inventory = await loadInventory(options.inventoryFile, await listBoardNames());
  const boardNames = [...new Set(inventory.nodes.map((node) => node.board))].sort();
  const loaded = new Map<string, LoadedBoard>();
  for (const name of boardNames) {
    const board = await loadBoard(name);
    netbootFlowOf(board.board);
    loaded.set(name, board);
  }
  for (const node of inventory.nodes) {
    const board = loaded.get(node.board)?.board;
    if (board === undefined) throw new Error(`internal: board ${node.board} was not loaded`);
    const length = commandLineLength(nodeCommandLine(board, node), board.arch);
    if (!length.fits) {
      throw new EmbError(
        `${inventory.file}: nodes[${node.index}] (mac ${node.mac}, hostname ${node.hostname}): field "args": the command line is ${length.bytes} bytes; the ${board.arch} kernel keeps ${length.maxBytes} and silently cuts the rest`,
        "shorten the node's, its group's or the defaults' args",
      );
    }
    const panic = initLimitProblem(nodeCommandLine(board, node));
    if (panic !== undefined) {
      throw new EmbError(
        `${inventory.file}: nodes[${node.index}] (mac ${node.mac}, hostname ${node.hostname}): field "args": ${panic}`,
        "drop words from the node's, its group's or the defaults' args (check them with: emb cmdline \"<args>\")",
      );
    }
  }
  if (options.bss?.file !== undefined || options.bss?.url !== undefined) refuseSecretsInBss(inventory);
  const secretsInitrds = await nodeSecretsInitrds(
    inventory,
    archiveMtime(),
    options.warn ?? ((line) => process.stderr.write(`emb: warning: ${line}\n`)),
  );
  const raspiFirmware = await prepareRaspiNetboot(inventory, loaded, options.cacheRoot, { offline: options.build.offline });
  const builds = new Map<string, BoardBuild>();
  for (const [name, { board }] of loaded) {
    const outDir = distDir(name, options.distRoot);
    const result = await runBuild({ ...options.build, board: name, cacheRoot: options.cacheRoot, outDir });
    builds.set(name, { board, distDir: outDir, manifest: result.manifest });
  }
  const nodes = inventory.nodes.map((node) => ({ ...node, secretsInitrd: secretsInitrds.get(node.mac) }));
  const tree = await writeTree(options.tree, planTree(nodes, builds, raspiFirmware), { prune: options.prune });
  const result: PxeResult = { inventory, boards: boardNames, tree };
  if (dnsmasq !== undefined && options.dnsmasq !== undefined) await writeFileAtomic(options.dnsmasq.file, dnsmasq);
  const { bss } = options;
  if (bss?.baseUrl !== undefined && (bss.file !== undefined || bss.url !== undefined)) {
    const params = bssBootParameters(
      inventory.nodes.map((node) => {
        const build = builds.get(node.board);
        if (build === undefined) throw new Error(`internal: board ${node.board} was not built`);
        const files = boardTreeFiles(build);
        return { ...node, params: nodeCommandLine(build.board, node), kernelPath: files.kernel, initrdPath: files.initrd };
      }),
      bss.baseUrl,
    );
    result.bssEntries = params.length;
    if (bss.file !== undefined)
      await writeFileAtomic(bss.file, extname(bss.file) === '.json' ? bssPayloadJson(params) : bssPayloadYaml(params));
    if (bss.url !== undefined && bss.tokenFile !== undefined)
      result.bssSent = (await sendBootParameters(params, bss.url, bss.tokenFile)).sent;
  }
  return result;
}
