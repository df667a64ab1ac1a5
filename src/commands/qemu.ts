import { join } from 'node:path';
import { Command } from 'commander';
import { execa } from 'execa';
import { z } from 'zod';
import { type BootInitrd, bootInitrd } from '../boot/boot-initrd.ts';
import { consoleRootShellPath } from '../assemble/service-settings-files.ts';
import { bootAndCheck } from '../boot/run-qemu.ts';
import { hasUserNetwork, qemuLaunch } from '../boot/qemu-args.ts';
import { EmbError } from '../errors.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import { distDir } from '../paths.ts';
import { readManifest } from '../pipeline/dist-output.ts';
import { listBoardNames, loadBoard, type LoadedBoard } from '../plan/load-board.ts';
import type { Manifest } from '../pack/manifest.ts';

/** Boards with QEMU settings, for the message to a user who asked for another. */
async function emulatedBoardNames(): Promise<string[]> {
  const names: string[] = [];
  for (const name of await listBoardNames()) {
    const loaded = await loadBoard(name).catch(() => undefined);
    if (loaded?.board.qemu) names.push(name);
  }
  return names;
}

export const qemuOptionsSchema = z.object({
  board: z.string().min(1),
  out: z.string().optional(),
  timeout: z.coerce.number().positive(),
  append: z.string().default(''),
  interactive: z.boolean().default(false),
});

export const qemuCommand = new Command('qemu')
  .description('boot dist/<board>/ in QEMU, run smoke checks over the serial console, power off')
  .option('-b, --board <name>', 'board profile', 'qemu-aarch64')
  .option('-o, --out <dir>', 'output root the build wrote to (default: ./dist)')
  .option('-t, --timeout <seconds>', 'give up after this long', '180')
  .option('-a, --append <args>', 'extra kernel command line arguments')
  .option('-i, --interactive', 'attach the console to this terminal instead (ctrl-a x quits)')
  .action(async (raw: unknown) => {
    const options = qemuOptionsSchema.parse(raw);
    const { board } = await loadBoard(options.board);
    if (!board.qemu) {
      const emulated = await emulatedBoardNames();
      throw new EmbError(
        `board ${board.name} cannot be booted in QEMU: QEMU has no model of it`,
        `boot it on the board itself (emb boards check ${board.name} checks what can be checked without one); QEMU boots: ${emulated.join(', ')}`,
      );
    }
    const outDir = distDir(options.board, options.out);
    const manifest = await readManifest(outDir);
    if (!manifest) throw new EmbError(`${outDir} has no finished build`, `run: npx emb build --board ${options.board}`);
    // The checks type commands into the console's root shell; a login console has none.
    if (!options.interactive && !manifest.files.some((file) => file.path === consoleRootShellPath)) {
      throw new EmbError(
        `${outDir}: the image's console asks for root's password (console.shell 'login'), and emb qemu's checks need its root shell`,
        `build it with --console-shell root to check it here, or boot it with emb qemu --board ${options.board} --interactive and log in`,
      );
    }
    // The image, with the build's secrets initrd after it when it has one (a private copy, removed after).
    const initrd = await bootInitrd(outDir);
    try {
      await bootOnce(board, outDir, manifest, options, initrd);
    } finally {
      await initrd.dispose();
    }
  });

/** One boot of the build, as the command's options ask: interactive, or watched and checked. */
async function bootOnce(
  board: LoadedBoard['board'],
  outDir: string,
  manifest: Manifest,
  options: z.infer<typeof qemuOptionsSchema>,
  initrd: BootInitrd,
): Promise<void> {
  if (options.interactive) {
    const launch = qemuLaunch(board, outDir, manifest.kernel.file, { append: options.append, interactive: true, initrd: initrd.path });
    await verifyHostTools([launch.binary]);
    await execa(launch.binary, launch.args, { stdio: 'inherit' });
    return;
  }
  const logFile = join(outDir, 'qemu-console.log');
  // Issue 13's boot figure: QEMU's start to node_exporter answering, asked from the host.
  // Its landing page, not /metrics: a scrape costs seconds of emulated CPU, and tries
  // that pile up while the guest is busy would each start one and slow the others.
  const servesNodeExporter = manifest.files.some((file) => file.path === '/etc/service/node-exporter');
  const answerProbe =
    servesNodeExporter && hasUserNetwork(board.qemu?.devices ?? []) ? { name: 'node_exporter', guestPort: 9100, path: '/' } : undefined;
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    append: options.append,
    timeoutSeconds: options.timeout,
    logFile,
    report: (line) => console.log(line),
    packageChecks: manifest.checks ?? [],
    answerProbe,
    bootModules: [...board.modules.filter((name) => name !== 'auto'), ...(manifest.modules.auto ?? []).map((choice) => choice.module)],
    initrd: initrd.path,
    secrets: initrd.secrets,
  });
  if (!result.ok) {
    console.error(`--- console tail (${logFile}) ---\n${result.consoleTail}`);
    const failed = result.checks.filter((check) => !check.ok).map((check) => check.name);
    const why = result.failure ?? (failed.length ? `failed checks: ${failed.join(', ')}` : 'no clean power-off');
    throw new EmbError(`boot of ${options.board} failed: ${why}`, `whole console log: ${logFile}`);
  }
  console.log(`boot ok: ${result.checks.length} checks passed, ready in ${result.secondsToReady.toFixed(1)} s`);
}
