/**
 * RAM in use on the booted default board (MemTotal − MemAvailable), idle without
 * storage and with the BOINC client running on an ext4 disk labelled storage, for
 * BENCHMARKS.md beside the old distro's published 85 MB and 100 MB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Manifest } from '../../src/pack/manifest.ts';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import { loadBoard } from '../../src/plan/load-board.ts';

const usedMiB = 'awk \'/^MemTotal/{t=$2} /^MemAvailable/{a=$2} END{printf "used %.1f\\n", (t-a)/1024}\' /proc/meminfo';

async function usedAfterBoot(
  outDir: string,
  manifest: Manifest,
  extra: { qemuArgs?: string[]; settle: string },
): Promise<number | undefined> {
  const { board } = await loadBoard('qemu-aarch64');
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    timeoutSeconds: 240,
    qemuArgs: extra.qemuArgs,
    packageChecks: [{ package: 'bench', command: `${extra.settle}; ${usedMiB}`, expect: 'used' }],
  });
  const output = result.checks.find((check) => check.name.startsWith('bench'))?.output ?? '';
  return Number(/used ([\d.]+)/.exec(output)?.[1]) || undefined;
}

/** [idle, with BOINC running] in MiB. */
export async function ramInUse(outDir: string, manifest: Manifest): Promise<[number | undefined, number | undefined]> {
  const idle = await usedAfterBoot(outDir, manifest, { settle: 'sleep 5' });
  const work = await mkdtemp(join(tmpdir(), 'emb-bench-disk-'));
  try {
    const disk = join(work, 'storage.img');
    await execa('truncate', ['-s', '256M', disk]);
    await execa('mkfs.ext4', ['-q', '-L', 'storage', disk]);
    const withBoinc = await usedAfterBoot(outDir, manifest, {
      qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'],
      // Wait (bounded) until the client answers its RPC port, then let it settle.
      settle:
        'for i in $(seq 1 30); do boinccmd --client_version >/dev/null 2>&1 && break; sleep 1; done; sleep 5; pidof boinc >/dev/null && echo boinc-running',
    });
    return [idle, withBoinc];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
