import { Command, Option } from 'commander';
import { z } from 'zod';
import { bootloaderListRows } from '../bootloader/bootloader-list.ts';
import { runBootloader, type WrittenBootloader } from '../bootloader/run-bootloader.ts';
import { EmbError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { listBoardNames, loadBoard } from '../plan/load-board.ts';
import { formatTable } from './format.ts';
import { makeJobsOption, offlineOption, toolchainOption, toolchainSchema, jobsSchema } from './shared-options.ts';

export const bootloaderOptionsSchema = z.object({
  list: z.boolean().default(false),
  board: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  sizeMib: z.coerce.number().int().min(1).max(65536).default(64),
  makeJobs: jobsSchema,
  offline: z.boolean().default(false),
  toolchain: toolchainSchema,
});

async function printList(): Promise<void> {
  const boards = await Promise.all((await listBoardNames()).map((name) => loadBoard(name)));
  const rows = bootloaderListRows(boards);
  console.log(formatTable([['BOARD', 'FROM', 'WHAT'], ...rows.map((row) => [row.board, row.from, row.what])]));
}

function printWritten(written: WrittenBootloader): void {
  console.log(`wrote ${written.out}: ${written.sizeBytes / 1024 / 1024} MiB SD card image for ${written.board}`);
  const { partition } = written;
  if (partition !== undefined) {
    const end = partition.startSector + partition.sectorCount - 1;
    console.log(
      `  MBR partition 1: type 0x${partition.type.toString(16).padStart(2, '0')} (FAT32 LBA), sectors ${partition.startSector}-${end} (from ${(partition.startSector * 512) / 1024 / 1024} MiB)`,
    );
  }
  for (const file of written.files) {
    console.log(
      'offsetKiB' in file
        ? `  at ${file.offsetKiB} KiB: ${file.path} (${file.bytes} bytes)`
        : `  in partition 1: ${file.name} from ${file.path} (${file.bytes} bytes)`,
    );
  }
  console.log(`from ${written.origin}`);
}

export const bootloaderCommand = new Command('bootloader')
  .description(
    "write the SD card image a board's node needs to boot from the network (U-Boot at its offset, or the Pi 3's bootcode.bin in a FAT partition), or list which boards have one",
  )
  .option('--list', 'list every board: where its bootloader comes from, or why emb writes none')
  .option('-b, --board <name>', 'the board')
  .option('-o, --out <file>', 'the raw SD card image to write (then: dd if=FILE of=/dev/<card>)')
  .addOption(new Option('--size-mib <n>', "the image's size: a power of two (QEMU's SD model needs one)").default('64'))
  .addOption(makeJobsOption())
  .addOption(offlineOption())
  .addOption(toolchainOption())
  .action(async (raw: unknown) => {
    const options = bootloaderOptionsSchema.parse(raw);
    if (options.list) {
      if (options.board !== undefined || options.out !== undefined)
        throw new EmbError('--list takes no --board or --out', 'run one or the other', 2);
      await printList();
      return;
    }
    if (options.board === undefined || options.out === undefined) {
      throw new EmbError('emb bootloader needs --board and --out, or --list', 'e.g. emb bootloader --board orangepi-pc --out sd.img', 2);
    }
    printWritten(
      await runBootloader({
        board: options.board,
        out: options.out,
        sizeMiB: options.sizeMib,
        cacheRoot: cacheDir(),
        offline: options.offline,
        jobs: { make: options.makeJobs },
        toolchain: options.toolchain,
      }),
    );
  });
