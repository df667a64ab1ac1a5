import { parseDtb } from '../dtb/parse-dtb.ts';
import type { LoadedBoard } from '../plan/load-board.ts';
import { shownPath } from '../plan/load-board.ts';
import { readBoardDtb, type BoardDtb } from './board-dtb.ts';
import { boardBootModules, type AutoModules } from './board-modules.ts';
import { kernelImageOutput } from './debian-kernel.ts';
import type { PreparedKernel, ResolvedKernel } from './kernel-provider.ts';
import type { ModuleIndex } from './modules/index.ts';
import { indexModulesKept } from './modules/kept-module-index.ts';
import { pruneModules, type PrunedModules } from './modules-layer.ts';
import { faultPoint } from '../fs/fault-point.ts';

/** The kernel stage's output: the kernel and DTB for dist/, and the board's modules for the image. */
export interface KernelStageResult {
  kernel: PreparedKernel;
  /** The kernel image as bootloaders want it, named for dist/ ("Image", "zImage", "vmlinuz"). */
  image: { name: string; data: Buffer };
  dtb?: BoardDtb;
  modules: PrunedModules;
  /** What `modules: 'auto'` chose from the DTB, and why; undefined for boards that list their modules. */
  auto?: AutoModules;
  /** The whole module tree's index: the GPU stage takes the kernel modules a driver needs from it. */
  index: ModuleIndex;
}

/**
 * The kernel stage: prepare the resolved kernel, read the board's DTB from it, choose
 * the boot modules (the listed ones, and with 'auto' what the DTB asks for), and keep
 * only those, the optional ones and their closure.
 */
export async function runKernelStage(resolved: ResolvedKernel, loaded: LoadedBoard): Promise<KernelStageResult> {
  const { board } = loaded;
  const kernel = await resolved.prepare();
  await faultPoint('kernel');
  const dtb = await readBoardDtb(kernel, board, shownPath(loaded.file));
  await faultPoint('dtb');
  const index = await indexModulesKept(kernel.moduleRoot, kernel.moduleIndexFile);
  const tree = dtb === undefined ? undefined : parseDtb(dtb.data, `${kernel.identity.name}: ${dtb.source}`);
  const { boot, auto } = boardBootModules(board, index, tree);
  const modules = await pruneModules(kernel, boot, board.optionalModules, index);
  await faultPoint('modules');
  return { kernel, image: await kernelImageOutput(kernel, board.arch), dtb, modules, auto, index };
}
