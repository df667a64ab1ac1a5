/** Where and from what a bench run measured: the machine and the commit, for the results header. */
import { readFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';

export async function machineLabel(): Promise<string> {
  const cores = cpus();
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const distro = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${distro}, kernel ${release()}`;
}

/** The short commit, and whether the working tree had changes the figures include. */
export async function commitLabel(): Promise<string> {
  const head = await execa('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, reject: false });
  if (head.exitCode !== 0) return 'unknown (not a git checkout)';
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot });
  return `${head.stdout.trim()}${status.stdout.trim() ? ' + uncommitted changes' : ''}`;
}
