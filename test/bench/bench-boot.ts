/**
 * One timed boot of a built image in QEMU, for the bench: seconds from QEMU's start to
 * the ready line and to node_exporter answering on :9100 through a host port forward
 * (the "every service up"), the guest's own uptimes (EMB-STAGE lines), and
 * optionally the RAM in use once it has settled. No smoke checks and no clean power-off:
 * `emb qemu` and the tests prove those; here QEMU is killed once the figures are in.
 */
import { join } from 'node:path';
import { type BootPath, bootPathOf } from '../../src/boot/boot-path.ts';
import { qemuLaunch } from '../../src/boot/qemu-args.ts';
import { EmbError } from '../../src/errors.ts';
import type { Board } from '../../src/schema/board.ts';
import { freePort } from '../helpers/free-port.ts';
import { httpGet } from '../helpers/http-get.ts';
import { startQemuProcess } from '../helpers/qemu-session.ts';

export interface TimedBoot {
  /** Host seconds from QEMU's start to the ready line. */
  ready: number;
  /** Host seconds from QEMU's start to node_exporter's first answer; undefined when the board has no user-mode network in QEMU. */
  servicesUp?: number;
  /** The guest's uptimes at /init, runit and the ready line. */
  guest?: BootPath;
  /** MemTotal − MemAvailable, MiB, 5 s after the services were up (when asked for). */
  ramIdleMiB?: number;
}

export const usedMiBCommand = 'awk \'/^MemTotal/{t=$2} /^MemAvailable/{a=$2} END{printf "used %.1f\\n", (t-a)/1024}\' /proc/meminfo';

/** QEMU's launch with a forward to the guest's :9100, or without one on a board whose QEMU model has no user-mode network. */
function launchFor(board: Board, outDir: string, kernelFile: string, port: number): { binary: string; args: string[]; forwarded: boolean } {
  try {
    return { ...qemuLaunch(board, outDir, kernelFile, { hostForwards: [{ hostPort: port, guestPort: 9100 }] }), forwarded: true };
  } catch (error) {
    if (!(error instanceof EmbError)) throw error;
    return { ...qemuLaunch(board, outDir, kernelFile, {}), forwarded: false };
  }
}

export async function timedBoot(
  board: Board,
  outDir: string,
  kernelFile: string,
  options: { logDir: string; readRam: boolean; timeoutSeconds?: number },
): Promise<TimedBoot> {
  const timeoutMs = (options.timeoutSeconds ?? 180) * 1000;
  const port = await freePort();
  const launch = launchFor(board, outDir, kernelFile, port);
  const started = performance.now();
  const session = startQemuProcess(launch.binary, launch.args, join(options.logDir, `${board.name}-console.log`));
  const since = (): number => (performance.now() - started) / 1000;
  // Every wait below ends by the boot's deadline, the RAM read's included.
  const left = (): number => Math.max(1000, timeoutMs - (performance.now() - started));
  let stopped = false;
  // Asked from QEMU's start, every 100 ms: a refused connection through the forward fails fast.
  const answered = (async (): Promise<number | undefined> => {
    while (!stopped && since() * 1000 < timeoutMs) {
      const answer = await httpGet(`http://127.0.0.1:${port}/metrics`, 1000);
      if (answer?.status === 200) return since();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  })();
  try {
    const readyMatch = await session.serial.waitFor(/EMB-READY [^\n]*\n/, timeoutMs).catch((error: unknown) => {
      throw new Error(`${board.name}: no ready line (${String(error)})\nconsole tail:\n${session.serial.tail(20)}`);
    });
    const ready = since();
    const guest = bootPathOf(session.serial.transcript, readyMatch[0].trim());
    const servicesUp = launch.forwarded ? await answered : undefined;
    if (launch.forwarded && servicesUp === undefined) throw new Error(`${board.name}: node_exporter never answered through the forward`);
    let ramIdleMiB: number | undefined;
    if (options.readRam) {
      // The console shell starts just after the ready line; a line typed too early is lost, so ask until it answers.
      for (let tries = 0; ; tries++) {
        try {
          await session.serial.run('true', Math.min(5000, left()));
          break;
        } catch (error) {
          if (tries >= 6 || left() <= 1000) throw error;
        }
      }
      const { output } = await session.serial.run(`sleep 5; ${usedMiBCommand}`, Math.min(30_000, left()));
      ramIdleMiB = Number(/used ([\d.]+)/.exec(output)?.[1]) || undefined;
    }
    return { ready, servicesUp, guest, ramIdleMiB };
  } finally {
    stopped = true;
    await session.stop();
    await answered;
  }
}
