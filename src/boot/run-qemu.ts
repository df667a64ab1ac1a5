import { join } from 'node:path';
import { execa } from 'execa';
import { parseCmdline } from '../cmdline/parse-cmdline.ts';
import { EmbError } from '../errors.ts';
import { createPrivateWriteStream } from '../fs/private-file.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import type { Board } from '../schema/board.ts';
import { qemuKernelCmdline, qemuLaunch, type HostForward } from './qemu-args.ts';
import { type AnswerProbe, freeLoopbackPort, secondsToFirstAnswer } from './answer-probe.ts';
import { type BootPath, bootPathOf, formatBootPath } from './boot-path.ts';
import { redactSecrets, SecretRedactor, secretValuesOnCmdline } from './redact-secrets.ts';
import { SerialConsole } from './serial-console.ts';
import { packageCheck, smokeChecks, type PackageCheck, type SmokeExpectations } from './smoke-checks.ts';

export interface BootOptions {
  board: Board;
  outDir: string;
  kernelFile: string;
  append?: string;
  timeoutSeconds: number;
  /** Where the whole console transcript goes. */
  logFile?: string;
  /** Called with each line of the report as it is known. */
  report?: (line: string) => void;
  /** The packages' own checks, from the manifest. */
  packageChecks?: readonly PackageCheck[];
  /** More QEMU arguments, after the board's devices: a test's disk, for one. */
  qemuArgs?: readonly string[];
  /** Guest TCP ports forwarded to the host's loopback (QEMU user-mode hostfwd). */
  hostForwards?: readonly HostForward[];
  /**
   * Run on the host after the checks pass and before poweroff, while the guest is up;
   * `guest` runs a shell command on the guest's console.
   */
  whileUp?: (guest: GuestShell) => Promise<void>;
  /** The host name the smoke check expects, when not the command line's (e.g. /storage/hostname overrides it). */
  expectHostname?: string;
  /** Modules the image loads at boot, by name (from the manifest: a board's 'auto' ones are known only there). */
  bootModules?: readonly string[];
  /**
   * A guest HTTP service to ask from the host, through a port forward of its own, from
   * QEMU's start until it answers: when it did is reported and returned.
   */
  answerProbe?: AnswerProbe;
  /** The initrd to boot instead of outDir's initramfs.zst (boot-initrd.ts: the image with its secrets). */
  initrd?: string;
  /**
   * Secret values the console might show, replaced in the log and the returned tail;
   * the command line's own (uebo.boinc.password) are added to them.
   */
  secrets?: readonly string[];
}

/** A command run on the guest's serial console: its output and exit status. */
export type GuestShell = (command: string, timeoutMs?: number) => Promise<{ output: string; status: number }>;

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  output: string;
}

export interface BootResult {
  ok: boolean;
  readyLine: string;
  secondsToReady: number;
  /** The guest's uptime at /init's start, at runit's and at the ready line (EMB-STAGE lines), when it printed them. */
  bootPath?: BootPath;
  /** Seconds from QEMU's start to the answerProbe's first answer (host clock), when one was asked for and came. */
  secondsToAnswer?: number;
  checks: CheckResult[];
  poweredOff: boolean;
  /** Why the boot stopped early (timeout, console closed, QEMU error), if it did. */
  failure?: string;
  consoleTail: string;
}

/** The host name the guest should have: a valid uebo.hostname on its command line (the node's parser rules), else the board's. */
export function expectedHostname(board: Board, append = ''): string {
  return parseCmdline(qemuKernelCmdline(board, append)).known['uebo.hostname'] ?? board.hostname;
}

/**
 * Boot the image, wait for the ready line, run the smoke checks over the console,
 * power off from inside the guest and wait for QEMU to exit. QEMU is always killed
 * on the way out, whatever happened.
 */
/**
 * Wait for the console shell to answer: a probe every 5 s until one does or
 * `timeoutMs` is over. A line typed while the shell is still starting can be lost (seen
 * on the GPU board, whose services keep the emulated CPU busy just then), so one probe
 * and a 30 s wait is not enough; each probe has its own markers, so a late answer to an
 * earlier one is never taken for a later command's.
 */
async function waitForShell(serial: SerialConsole, timeoutMs: number, say: (line: string) => void): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = deadline - performance.now();
    try {
      await serial.run('true', Math.max(1000, Math.min(5000, left)));
      return;
    } catch (error) {
      const timedOut = error instanceof EmbError && error.message.startsWith('timed out');
      if (!timedOut || deadline - performance.now() <= 0) throw error;
      say('the console shell did not answer within 5 s: asking again');
    }
  }
}

export async function bootAndCheck(options: BootOptions): Promise<BootResult> {
  const { board, answerProbe } = options;
  const probePort = answerProbe ? await freeLoopbackPort() : undefined;
  const probeForwards = answerProbe && probePort ? [{ hostPort: probePort, guestPort: answerProbe.guestPort }] : [];
  const launch = qemuLaunch(board, options.outDir, options.kernelFile, {
    append: options.append,
    extraArgs: options.qemuArgs,
    hostForwards: [...(options.hostForwards ?? []), ...probeForwards],
    initrd: options.initrd,
  });
  await verifyHostTools([launch.binary]);
  // The transcript shows the kernel command line, secrets (uebo.boinc.password) included:
  // the log is private, and the secrets are replaced in it anyway.
  const log = await createPrivateWriteStream(options.logFile ?? join(options.outDir, 'qemu-console.log'));
  const secrets = [...(options.secrets ?? []), ...secretValuesOnCmdline(qemuKernelCmdline(board, options.append))];
  const redactor = new SecretRedactor(secrets, (text) => log.write(text));
  const say = options.report ?? (() => undefined);
  const started = performance.now();
  const qemu = execa(launch.binary, launch.args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', reject: false, buffer: false });
  let qemuStderr = '';
  qemu.stderr?.on('data', (chunk: Buffer) => (qemuStderr += chunk.toString()));
  // Both are pipes (stdin and stdout: 'pipe' above); execa types them as possibly absent.
  const { stdin, stdout } = qemu;
  if (!stdin || !stdout) throw new Error('internal: QEMU was started without its stdin and stdout pipes');
  const serial = new SerialConsole(stdin, stdout, (chunk) => redactor.push(chunk));
  let probing = true;
  const answered =
    answerProbe && probePort
      ? secondsToFirstAnswer(`http://127.0.0.1:${probePort}${answerProbe.path}`, started, () => !probing)
      : Promise.resolve(undefined);
  let secondsToAnswer: number | undefined;
  const deadline = started + options.timeoutSeconds * 1000;
  const remaining = (): number => Math.max(1000, deadline - performance.now());
  const checks: CheckResult[] = [];
  let readyLine = '';
  let secondsToReady = 0;
  let bootPath: BootPath | undefined;
  let poweredOff = false;
  let failure: string | undefined;
  try {
    const ready = await serial.waitFor(/EMB-READY [^\n]*\n/, remaining()).catch((error: unknown) => {
      throw qemuStderr
        ? new EmbError(`QEMU failed: ${qemuStderr.trim().split('\n').pop()}`, 'check the QEMU settings in the board file')
        : error;
    });
    readyLine = ready[0].trim();
    secondsToReady = (performance.now() - started) / 1000;
    say(`ready after ${secondsToReady.toFixed(1)} s: ${readyLine}`);
    bootPath = bootPathOf(serial.transcript, readyLine);
    if (bootPath) say(formatBootPath(bootPath));
    // The console shell starts just after the ready line; wait until it answers.
    await waitForShell(serial, Math.min(30_000, remaining()), say);
    const expect: SmokeExpectations = {
      hostname: options.expectHostname ?? expectedHostname(board, options.append),
      modules: options.bootModules ?? board.modules.filter((name) => name !== 'auto'),
    };
    const skipped = new Map((board.qemu?.skipChecks ?? []).map((skip) => [skip.check, skip.why]));
    for (const check of [...smokeChecks, ...(options.packageChecks ?? []).map(packageCheck)]) {
      const why = skipped.get(check.name);
      if (why !== undefined) {
        say(`skip ${check.name}: ${why}`);
        continue;
      }
      const { output, status } = await serial.run(check.command, Math.min(30_000, remaining()));
      const problem = check.problem(output, status, expect);
      checks.push({ name: check.name, ok: !problem, detail: problem ?? 'ok', output });
      say(`${problem ? 'FAIL' : 'ok  '} ${check.name}${problem ? `: ${problem}` : ''}`);
      if (check.report) for (const line of output.trimEnd().split('\n')) say(`     ${line}`);
    }
    if (options.whileUp && checks.every((check) => check.ok))
      await options.whileUp((command, timeoutMs = 30_000) => serial.run(command, Math.min(timeoutMs, remaining())));
    if (answerProbe) {
      // Usually long answered by now (the checks take seconds); a service still starting gets 30 s more.
      let probeTimer: NodeJS.Timeout | undefined;
      secondsToAnswer = await Promise.race([
        answered,
        new Promise<undefined>((resolve) => (probeTimer = setTimeout(() => resolve(undefined), Math.min(30_000, remaining())))),
      ]);
      clearTimeout(probeTimer);
      say(
        secondsToAnswer === undefined
          ? `${answerProbe.name} did not answer on :${answerProbe.guestPort} (through a host port forward)`
          : `${answerProbe.name} answered on :${answerProbe.guestPort} ${secondsToAnswer.toFixed(1)} s after QEMU started (host clock, through a port forward)`,
      );
    }
    serial.type('poweroff');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      qemu,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.min(60_000, remaining())))),
    ]);
    clearTimeout(timer);
    poweredOff = exit !== undefined && exit.exitCode === 0;
    say(poweredOff ? `powered off cleanly after ${((performance.now() - started) / 1000).toFixed(1)} s` : 'FAIL did not power off in time');
  } catch (error) {
    if (!(error instanceof EmbError)) throw error;
    failure = error.message;
    say(`FAIL ${failure}`);
  } finally {
    probing = false;
    qemu.kill('SIGKILL');
    await qemu.catch(() => undefined);
    redactor.end();
    await new Promise((resolve) => log.end(resolve));
    await answered;
  }
  const ok = !failure && readyLine !== '' && poweredOff && checks.every((check) => check.ok);
  return {
    ok,
    readyLine,
    secondsToReady,
    bootPath,
    secondsToAnswer,
    checks,
    poweredOff,
    failure,
    consoleTail: redactSecrets(serial.tail(), secrets),
  };
}
