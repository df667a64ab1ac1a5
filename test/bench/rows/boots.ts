/**
 * Boot rows per QEMU board (bench-boot.ts): QEMU start to the ready line and to
 * node_exporter answering, medians of the boots; the guest's own clock at /init, runit
 * and the ready line; RAM in use idle, read in the last boot. Goals are checked on the
 * goal boards (old-distro.ts), where the issue measured.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Board } from '../../../src/schema/board.ts';
import type { BenchContext } from '../bench-context.ts';
import { type TimedBoot, timedBoot } from '../bench-boot.ts';
import { goalBoards, oldDistroRamMB } from '../old-distro.ts';
import { imageToBoot, qemuBoards } from '../qemu-boards.ts';
import { median, type Row, type RowResult, skippedRow } from '../row.ts';

const s = (value: number): string => value.toFixed(2);
/** A full run's bound on one boot: the GPU board under a busy machine's emulation takes a minute. */
const fullTimeoutSeconds = 240;
/** --quick starts no board's boot with less of its budget left than this. */
const minBootSeconds = 15;

function definedOnly(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

export async function bootRows(ctx: BenchContext): Promise<RowResult> {
  const logDir = join(ctx.scratch, 'boots');
  await mkdir(logDir, { recursive: true });
  const rows: Row[] = [];
  const boards = await qemuBoards(ctx);
  // The goal boards first: when --quick's budget runs out, what it leaves out is the rest.
  const ordered: Board[] = [
    ...boards.filter((board) => goalBoards.includes(board.name)),
    ...boards.filter((board) => !goalBoards.includes(board.name)),
  ];
  const started = performance.now();
  for (const board of ordered) {
    const spent = (performance.now() - started) / 1000;
    // No boot reaches its ready line in under about 6 s here: one started with less left would only time out.
    if (ctx.bootBudgetSeconds !== undefined && spent > ctx.bootBudgetSeconds - minBootSeconds) {
      rows.push(
        skippedRow('boot', `${board.name}: boot`, `--quick's ${ctx.bootBudgetSeconds} s for boots was spent (${spent.toFixed(0)} s)`),
      );
      continue;
    }
    const image = await imageToBoot(ctx, board.name);
    if (!image) {
      rows.push(
        skippedRow('boot', `${board.name}: boot`, `no image${ctx.quick ? ' in dist/' : ''} (build it: emb build --board ${board.name})`),
      );
      continue;
    }
    const boots: TimedBoot[] = [];
    let outOfTime: string | undefined;
    for (let round = 0; round < ctx.bootRounds && !outOfTime; round++) {
      const last = round === ctx.bootRounds - 1;
      // --quick: a boot gets what is left of the budget, and one it cuts short is reported as not measured.
      const remaining = ctx.bootBudgetSeconds === undefined ? undefined : ctx.bootBudgetSeconds - (performance.now() - started) / 1000;
      const timeoutSeconds = Math.min(fullTimeoutSeconds, Math.max(10, remaining ?? fullTimeoutSeconds));
      try {
        boots.push(await timedBoot(board, image.outDir, image.manifest.kernel.file, { logDir, readRam: last, timeoutSeconds }));
      } catch (error) {
        if (timeoutSeconds >= fullTimeoutSeconds) throw error;
        outOfTime = `--quick's ${ctx.bootBudgetSeconds} s for boots ran out during this boot (${String(error).split('\n')[0]})`;
        break;
      }
      const boot = boots.at(-1);
      ctx.say(
        `boot ${board.name} ${round + 1}/${ctx.bootRounds}: ready ${boot?.ready.toFixed(2)} s, services ${boot?.servicesUp?.toFixed(2) ?? '-'} s`,
      );
    }
    if (boots.length === 0) {
      rows.push(skippedRow('boot', `${board.name}: boot`, outOfTime ?? 'no boot'));
      continue;
    }
    const checked = goalBoards.includes(board.name);
    const ready = median(boots.map((boot) => boot.ready));
    const up = definedOnly(boots.map((boot) => boot.servicesUp));
    const servicesUp = up.length ? median(up) : undefined;
    const what = `${board.name} (${image.manifest.initramfs.zstdLevel === undefined ? '' : `zstd-${image.manifest.initramfs.zstdLevel}, `}${image.from})`;
    rows.push({
      section: 'boot',
      figure: `${what}: QEMU start → ready line / → node_exporter answers (s), median of ${boots.length}`,
      value: `${s(ready)} / ${servicesUp === undefined ? "— (no network in QEMU's model)" : s(servicesUp)}`,
      goal: checked && servicesUp !== undefined ? { id: 'bootServicesUp', measured: servicesUp } : undefined,
    });
    const guest = boots.map((boot) => boot.guest).filter((path) => path !== undefined);
    if (guest.length) {
      const init = median(guest.map((path) => path.init));
      const runit = median(guest.map((path) => path.runit - path.init));
      const readyAt = median(guest.map((path) => path.ready - path.runit));
      rows.push({
        section: 'boot',
        figure: `${board.name}: guest clock, kernel → /init + /init → runit + runit → ready (s)`,
        value: `${s(init)} + ${s(runit)} + ${s(readyAt)} = ${s(median(guest.map((path) => path.ready)))}`,
      });
    } else rows.push(skippedRow('boot', `${board.name}: guest clock`, 'the image prints no EMB-STAGE lines'));
    const ram = boots.at(-1)?.ramIdleMiB;
    rows.push({
      section: 'ram',
      figure: `${board.name}: idle, settled 5 s after boot (MiB)`,
      value: ram === undefined ? 'not read' : ram.toFixed(1),
      peer: `${oldDistroRamMB.idle} MB (old distro, published)`,
      goal: checked && ram !== undefined ? { id: 'ramIdle', measured: ram } : undefined,
    });
  }
  return { rows };
}
