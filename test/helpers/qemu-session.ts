import { createWriteStream } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { qemuLaunch } from '../../src/boot/qemu-args.ts';
import { SerialConsole } from '../../src/boot/serial-console.ts';
import type { Board } from '../../src/schema/board.ts';

/**
 * A QEMU boot a test drives itself, for what bootAndCheck does not do: a guest that
 * never prints the ready line (the init fallback), or a poweroff whose duration is
 * the point. The console transcript goes to `logFile`; `stop()` always kills QEMU.
 */
export interface QemuSession {
  serial: SerialConsole;
  /** QEMU's exit code once it has exited by itself, or undefined when it has not within `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<number | undefined>;
  /** Kills QEMU (if still running) and closes the log. */
  stop(): Promise<void>;
}

export interface QemuSessionOptions {
  board: Board;
  outDir: string;
  kernelFile: string;
  append?: string;
  qemuArgs?: readonly string[];
  logFile: string;
}

export function startQemuSession(options: QemuSessionOptions): QemuSession {
  const launch = qemuLaunch(options.board, options.outDir, options.kernelFile, { append: options.append, extraArgs: options.qemuArgs });
  return startQemuProcess(launch.binary, launch.args, options.logFile);
}

/** QEMU with an argument array of the test's own (a firmware that boots from the network, say), driven the same way. */
export function startQemuProcess(binary: string, args: readonly string[], logFile: string): QemuSession {
  const log = createWriteStream(logFile);
  const qemu: ResultPromise = execa(binary, args, {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
    buffer: false,
  });
  qemu.stderr?.on('data', (chunk: Buffer) => log.write(`[qemu stderr] ${chunk.toString()}`));
  const serial = new SerialConsole(qemu.stdin!, qemu.stdout!, (chunk) => log.write(chunk));
  const exited = qemu.then((result) => result.exitCode ?? -1);
  return {
    serial,
    async waitForExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      try {
        return await Promise.race([exited, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      qemu.kill('SIGKILL');
      await qemu.catch(() => undefined);
      await new Promise((resolve) => log.end(resolve));
    },
  };
}
