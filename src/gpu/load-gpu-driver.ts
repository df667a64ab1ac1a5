import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { packagesDir } from '../paths.ts';
import { formatZodIssues } from '../plan/format-zod-error.ts';
import { importDataModule, shownPath } from '../plan/load-data-module.ts';
import type { Board } from '../schema/board.ts';
import { gpuDriverSchema, type GpuDriver } from '../schema/gpu-driver.ts';

export interface LoadedGpuDriver {
  driver: GpuDriver;
  /** packages/<name>: driver.ts, and the node side in rootfiles/. */
  dir: string;
  /** The firmware short names this board ships, in the driver's order. */
  firmware: string[];
}

/**
 * The board's GPU driver, validated, with the board's firmware choice checked against
 * what the driver offers: a typo in a board's gpu block fails at plan time, naming the
 * field and the names there are.
 */
export async function loadGpuDriver(board: Board, boardShown: string, dir = packagesDir): Promise<LoadedGpuDriver | undefined> {
  if (board.gpu === undefined) return undefined;
  const driverDir = join(dir, board.gpu.driver);
  const file = join(driverDir, 'driver.ts');
  const shown = shownPath(file);
  if (!(await pathExists(file))) {
    throw new EmbError(
      `${boardShown}: field "gpu.driver": ${shown} does not exist`,
      'name a folder under packages/ that holds a driver.ts',
    );
  }
  const parsed = gpuDriverSchema.safeParse(await importDataModule(file, 'GpuDriver'));
  if (!parsed.success) throw new EmbError(`${shown}: ${formatZodIssues(parsed.error)}`, 'see src/schema/gpu-driver.ts for every field');
  const driver = parsed.data;
  if (driver.name !== board.gpu.driver) {
    throw new EmbError(`${shown}: field "name": is "${driver.name}" but the folder is ${board.gpu.driver}`, 'make them the same');
  }
  if (!driver.arches.includes(board.arch)) {
    throw new EmbError(
      `${boardShown}: field "gpu.driver": ${driver.name} is for ${driver.arches.join(', ')}, not ${board.arch}`,
      'use a board of an arch the driver supports, or add the arch to the driver',
    );
  }
  const offered = Object.keys(driver.firmware?.files ?? {});
  const asked = board.gpu.firmware ?? offered;
  const unknown = asked.filter((name) => !offered.includes(name));
  if (unknown.length > 0) {
    throw new EmbError(
      `${boardShown}: field "gpu.firmware": ${unknown.join(', ')} is not firmware of ${driver.name} (it has: ${offered.join(', ') || 'none'})`,
      'use the names in the driver file',
    );
  }
  return { driver, dir: driverDir, firmware: offered.filter((name) => asked.includes(name)) };
}
