import { EmbError } from '../errors.ts';
import { shownPath, type LoadedBoard } from '../plan/load-board.ts';
import { imageFitProblems, type ImageSizes } from './image-fit.ts';

/** Throws (one line, every problem) when the image does not fit the board; dist/ is left as it was. */
export function refuseMisfit(loaded: LoadedBoard, sizes: ImageSizes): void {
  const problems = imageFitProblems(loaded.board, sizes);
  if (problems.length === 0) return;
  throw new EmbError(
    `${shownPath(loaded.file)}: ${problems.join('; ')}`,
    'drop packages or modules from the board, or correct its ramMiB / bootloader.maxInitrdMiB if the board has more',
  );
}
