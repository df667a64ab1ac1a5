import type { Board } from '../schema/board.ts';
import { kernelImageOutput } from './debian-kernel.ts';
import type { PreparedKernel, ResolvedKernel } from './kernel-provider.ts';
import { pruneModules, type PrunedModules } from './modules-layer.ts';

/** The kernel stage's output: the kernel for dist/, and the board's modules for the image. */
export interface KernelStageResult {
  kernel: PreparedKernel;
  /** The kernel image as bootloaders want it, named for dist/ ("Image", "vmlinuz"). */
  image: { name: string; data: Buffer };
  modules: PrunedModules;
}

/** The kernel stage: prepare the resolved kernel, keep only the board's modules and their closure. */
export async function runKernelStage(resolved: ResolvedKernel, board: Board): Promise<KernelStageResult> {
  const kernel = await resolved.prepare();
  const modules = await pruneModules(kernel, board.modules, board.optionalModules);
  return { kernel, image: await kernelImageOutput(kernel), modules };
}
