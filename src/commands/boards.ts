import { Command } from 'commander';
import { checkBoard, manifestForBoard } from '../boards/check-board.ts';
import { boardKernels } from '../boards/board-kernels.ts';
import { selectToolchain } from '../toolchain/select-toolchain.ts';
import { boardSummary } from '../boards/board-summary.ts';
import { EmbError, formatUserError, isEmbError } from '../errors.ts';
import { cacheDir, distDir } from '../paths.ts';
import { readManifest } from '../pipeline/dist-output.ts';
import { listBoardNames, loadBoard, type LoadedBoard } from '../plan/load-board.ts';
import { formatTable } from './format.ts';

/** Every board that loads, and one line for each that does not. */
async function loadBoards(names: readonly string[]): Promise<{ loaded: LoadedBoard[]; failed: string[] }> {
  const loaded: LoadedBoard[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      loaded.push(await loadBoard(name));
    } catch (error) {
      if (!isEmbError(error)) throw error;
      failed.push(formatUserError(error));
    }
  }
  return { loaded, failed };
}

const checkCommand = new Command('check')
  .description('check boards against their real kernels: DTB, modules, closure, built-in console, image fit (all boards by default)')
  .argument('[names...]', 'boards to check')
  .option('-o, --out <dir>', 'output root whose builds are checked for fit (default: ./dist)')
  .option('-v, --verbose', "print why each 'auto' module was chosen (node path → compatible → module)")
  .action(async (names: string[], options: { out?: string; verbose?: boolean }) => {
    const { loaded, failed } = await loadBoards(names.length > 0 ? names : await listBoardNames());
    for (const line of failed) console.log(`FAIL ${line}`);
    // A source kernel is built with the toolchain a build would use (--toolchain's default choice).
    const kernelOf = boardKernels(cacheDir(), async () => (await selectToolchain(undefined)).toolchain);
    let problems = failed.length;
    for (const board of loaded) {
      const kernel = await kernelOf(board.board);
      const manifest = manifestForBoard(await readManifest(distDir(board.board.name, options.out)), board.board.name);
      const check = await checkBoard(board, kernel, manifest);
      problems += check.problems.length;
      console.log(`${check.problems.length === 0 ? 'ok  ' : 'FAIL'} ${check.board} (${check.file})`);
      for (const fact of check.facts) console.log(`       ${fact}`);
      for (const note of board.board.notes) console.log(`       note: ${note}`);
      if (options.verbose) for (const reason of check.autoReasons) console.log(`         ${reason}`);
      for (const problem of check.problems) console.log(`     ! ${problem}`);
    }
    if (problems > 0)
      throw new EmbError(
        `${problems} problem${problems === 1 ? '' : 's'} in the boards above`,
        'each line starting with ! names the file and field to fix',
      );
    console.log(`${loaded.length} board${loaded.length === 1 ? '' : 's'} checked, no problems`);
  });

export const boardsCommand = new Command('boards')
  .description('list the board profiles: name, arch, kernel, DTB, RAM, bootloader')
  .option('--json', 'print JSON instead of a table')
  .action(async (options: { json?: boolean }) => {
    const { loaded, failed } = await loadBoards(await listBoardNames());
    const summaries = loaded.map(boardSummary);
    if (options.json) console.log(JSON.stringify(summaries, null, 2));
    else {
      const rows = [
        ['NAME', 'ARCH', 'KERNEL', 'DTB', 'RAM', 'BOOTLOADER', 'QEMU'],
        ...summaries.map((b) => [b.name, b.arch, b.kernel, b.dtb ?? '-', `${b.ramMiB} MiB`, b.bootloader, b.qemu ?? '-']),
      ];
      console.log(formatTable(rows));
    }
    if (failed.length > 0)
      throw new EmbError(`${failed.length} board file(s) do not load: ${failed.join('; ')}`, 'fix them, or run emb boards check');
  })
  .addCommand(checkCommand);
