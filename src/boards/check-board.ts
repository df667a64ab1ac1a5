import { parseDtb } from '../dtb/parse-dtb.ts';
import { EmbError } from '../errors.ts';
import { readBoardDtb } from '../kernel/board-dtb.ts';
import { boardBootModules, formatAutoModules, type AutoModules } from '../kernel/board-modules.ts';
import type { PreparedKernel } from '../kernel/kernel-provider.ts';
import { consoleNodeDrivers } from '../kernel/modules/device-tree-modules.ts';
import { moduleClosure, resolveModuleName, type ModuleIndex } from '../kernel/modules/index.ts';
import { loadGpuDriver } from '../gpu/load-gpu-driver.ts';
import { imageFitProblems } from '../pack/image-fit.ts';
import type { Manifest } from '../pack/manifest.ts';
import { shownPath, type LoadedBoard } from '../plan/load-board.ts';
import { consoleDevice } from '../schema/board.ts';
import type { DeviceTree } from '../dtb/dtb-node.ts';
import { consoleTtyDrivers, uartDriverOf } from './console-drivers.ts';

/** What `emb boards check` found for one board: problems (each one line naming file and field) and facts. */
export interface BoardCheck {
  board: string;
  file: string;
  problems: string[];
  /** What was checked and held, for the report. */
  facts: string[];
  /** Why each 'auto' module was chosen. */
  autoReasons: string[];
}

export interface BoardKernel {
  kernel: PreparedKernel;
  index: ModuleIndex;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Every named module (boot and optional) that this kernel neither has nor builds in. */
function unknownModuleProblems(loaded: LoadedBoard, index: ModuleIndex, kernelName: string): string[] {
  const { board } = loaded;
  const file = shownPath(loaded.file);
  const problems: string[] = [];
  for (const field of ['modules', 'optionalModules'] as const) {
    for (const name of board[field]) {
      if (name === 'auto') continue;
      if (resolveModuleName(index, name).kind === 'unknown') {
        problems.push(`${file}: field "${field}": kernel module "${name}" is not in ${kernelName} nor built in`);
      }
    }
  }
  return problems;
}

/** The console driver must be built in: by its tty name, and (with a DTB) for the node /chosen names. */
function consoleProblems(loaded: LoadedBoard, index: ModuleIndex, tree: DeviceTree | undefined, facts: string[]): string[] {
  const file = shownPath(loaded.file);
  const device = consoleDevice(loaded.board.console.device);
  const problems: string[] = [];
  const drivers = consoleTtyDrivers(device);
  if (drivers === undefined) {
    problems.push(
      `${file}: field "console": emb does not know the driver of ${device} (src/boards/console-drivers.ts lists the known ones)`,
    );
  } else {
    const builtIn = drivers.filter((name) => index.builtin.has(name));
    const loadable = drivers.filter((name) => index.modules.has(name));
    if (builtIn.length > 0) facts.push(`console ${device}: ${builtIn.join(', ')} built in`);
    else if (loadable.length > 0)
      problems.push(
        `${file}: field "console": ${device}'s driver ${loadable.join(', ')} is a module in this kernel, not built in: early messages and panics would be lost`,
      );
    else problems.push(`${file}: field "console": this kernel has no ${drivers.join(' or ')} driver for ${device}`);
  }
  const node = tree === undefined ? undefined : consoleNodeDrivers(tree, index);
  if (node !== undefined) {
    const uart = uartDriverOf(node.compatibles);
    const where = `the DTB's console node ${node.node} (${node.compatibles.join(', ')})`;
    if (uart !== undefined && index.builtin.has(uart.driver))
      facts.push(`DTB console ${node.node}: ${uart.compatible} → ${uart.driver} built in`);
    else if (uart !== undefined)
      problems.push(
        `${file}: field "dtb": ${where} needs ${uart.driver}, which this kernel ${index.modules.has(uart.driver) ? 'has only as a module' : 'lacks'}`,
      );
    else if (node.loadable.length > 0)
      problems.push(`${file}: field "dtb": ${where} is served by the module ${node.loadable.join(', ')}, not a built-in driver`);
    else
      problems.push(
        `${file}: field "dtb": emb does not know which driver serves ${where}: add its compatible to src/boards/console-drivers.ts`,
      );
  }
  return problems;
}

/** The closure of the boot and optional modules resolves: every dependency is in the tree. */
function closureProblems(loaded: LoadedBoard, index: ModuleIndex, boot: readonly string[], facts: string[]): string[] {
  const file = shownPath(loaded.file);
  try {
    const bootClosure = moduleClosure(index, boot);
    let kept = new Set(bootClosure.order.map((record) => record.name));
    for (const name of loaded.board.optionalModules)
      kept = new Set([...kept, ...moduleClosure(index, [name]).order.map((record) => record.name)]);
    const bytes = [...kept].reduce((sum, name) => sum + (index.modules.get(name)?.size ?? 0), 0);
    facts.push(
      `modules: ${kept.size} of ${index.modules.size} kept (${(bytes / 1024 / 1024).toFixed(1)} MiB), ${bootClosure.order.length} loaded at boot`,
    );
    return [];
  } catch (error) {
    return [`${file}: field "modules": ${messageOf(error)}`];
  }
}

/** A GPU board's driver loads and offers the firmware the board asks for (the modules are checked when they are built). */
async function gpuProblems(loaded: LoadedBoard, facts: string[]): Promise<string[]> {
  try {
    const gpu = await loadGpuDriver(loaded.board, shownPath(loaded.file));
    if (gpu !== undefined) {
      const { driver } = gpu;
      facts.push(`GPU driver ${driver.name} ${driver.version} (${driver.kind}), firmware ${gpu.firmware.join(', ') || 'none'}`);
    }
    return [];
  } catch (error) {
    if (!(error instanceof EmbError)) throw error;
    return [error.message + (error.hint ? ` (${error.hint})` : '')];
  }
}

/** The last build in dist/<board> against the board's limits; a fact, not a problem, when there is none. */
function fitProblems(loaded: LoadedBoard, manifest: Manifest | undefined, facts: string[]): string[] {
  if (manifest === undefined) {
    facts.push('image size: no build in dist/ to check (emb build refuses an image that does not fit)');
    return [];
  }
  const sizes = { uncompressedBytes: manifest.initramfs.uncompressedBytes, compressedBytes: manifest.initramfs.compressedBytes };
  const problems = imageFitProblems(loaded.board, sizes).map((problem) => `${shownPath(loaded.file)}: ${problem}`);
  if (problems.length === 0) {
    const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    facts.push(
      `image fits: ${mib(sizes.uncompressedBytes)} MiB unpacked, ${mib(sizes.compressedBytes)} MiB compressed (zstd-${manifest.initramfs.zstdLevel})`,
    );
  }
  return problems;
}

/**
 * Check one board against its real kernel: the DTB is there and parses, every named
 * module exists, the closure resolves, the console driver is built in, a GPU board's
 * driver loads, and the last build fits. Every problem is collected, not just the first.
 */
export async function checkBoard(loaded: LoadedBoard, kernel: BoardKernel, manifest: Manifest | undefined): Promise<BoardCheck> {
  const { board } = loaded;
  const file = shownPath(loaded.file);
  const kernelName = `${kernel.kernel.identity.name} ${kernel.kernel.identity.version}`;
  const result: BoardCheck = { board: board.name, file, problems: [], facts: [`kernel ${kernelName}`], autoReasons: [] };
  let tree: DeviceTree | undefined;
  try {
    const dtb = await readBoardDtb(kernel.kernel, board, file);
    if (dtb !== undefined) {
      tree = parseDtb(dtb.data, `${file}: field "dtb": ${dtb.source}`);
      result.facts.push(`DTB ${dtb.source} (${dtb.data.length} bytes)`);
    }
  } catch (error) {
    if (!(error instanceof EmbError)) throw error;
    result.problems.push(error.message + (error.hint ? ` (${error.hint})` : ''));
  }
  result.problems.push(...unknownModuleProblems(loaded, kernel.index, kernelName));
  let auto: AutoModules | undefined;
  if (!board.modules.includes('auto') || tree !== undefined) {
    const chosen = boardBootModules(board, kernel.index, tree);
    auto = chosen.auto;
    if (auto) {
      result.facts.push(`auto: ${auto.chosen.length} modules chosen by the DTB, ${auto.denied.length} denied`);
      result.autoReasons = formatAutoModules(auto);
    }
    if (result.problems.length === 0) result.problems.push(...closureProblems(loaded, kernel.index, chosen.boot, result.facts));
  }
  result.problems.push(...consoleProblems(loaded, kernel.index, tree, result.facts));
  result.problems.push(...(await gpuProblems(loaded, result.facts)));
  result.problems.push(...fitProblems(loaded, manifest, result.facts));
  return result;
}

/** The dist/ manifest to check a board's fit with: only one built for this board. */
export function manifestForBoard(manifest: Manifest | undefined, board: string): Manifest | undefined {
  return manifest?.board === board ? manifest : undefined;
}
