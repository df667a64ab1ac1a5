/**
 * RAM in use on a booted board (MemTotal − MemAvailable) with the BOINC client running
 * on an ext4 disk labelled storage, through `emb qemu`'s boot and checks. The disk is
 * virtio over PCI on machines whose devices are PCI ones (virt, q35), else the SD slot
 * of QEMU's model of a real board.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import type { Board } from '../../src/schema/board.ts';
import { usedMiBCommand } from './bench-boot.ts';
import type { BootFields } from './qemu-boards.ts';

function diskArgs(board: Board, file: string): string[] {
  const pci = board.qemu?.devices.some((arg) => arg.includes('-pci')) ?? false;
  return pci
    ? ['-drive', `file=${file},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0']
    : ['-drive', `file=${file},if=sd,format=raw`];
}

/** MiB in use with BOINC running, or undefined when the client did not start (the check's output says so). */
export async function ramWithBoinc(board: Board, outDir: string, manifest: BootFields): Promise<number | undefined> {
  const work = await mkdtemp(join(tmpdir(), 'emb-bench-disk-'));
  try {
    const disk = join(work, 'storage.img');
    // 256 MiB: a power of two, which QEMU's SD card models require.
    await execa('truncate', ['-s', '256M', disk]);
    await execa('mkfs.ext4', ['-q', '-L', 'storage', disk]);
    const result = await bootAndCheck({
      board,
      outDir,
      kernelFile: manifest.kernel.file,
      timeoutSeconds: 300,
      logFile: join(work, 'console.log'),
      qemuArgs: diskArgs(board, disk),
      bootModules: [...board.modules.filter((name) => name !== 'auto'), ...(manifest.modules.auto ?? []).map((choice) => choice.module)],
      packageChecks: [
        {
          package: 'bench',
          // Wait (bounded) until the client answers its RPC port, then let it settle.
          command: `for i in $(seq 1 30); do boinccmd --client_version >/dev/null 2>&1 && break; sleep 1; done; sleep 5; pidof boinc >/dev/null && echo boinc-running; ${usedMiBCommand}`,
          expect: 'boinc-running',
        },
      ],
    });
    const output = result.checks.find((check) => check.name.startsWith('bench'))?.output ?? '';
    if (!output.includes('boinc-running')) return undefined;
    return Number(/used ([\d.]+)/.exec(output)?.[1]) || undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
