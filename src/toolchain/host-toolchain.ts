import { execa } from 'execa';
import { sha256Hex } from '../fs/hash.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import { hostStepEnvironment } from './host-step-env.ts';
import { hostDebianArch, toolchainPackagesFor } from './package-lists.ts';
import type { CommandOutcome, Toolchain, ToolchainCommand } from './toolchain.ts';

/** Host programs a build for `arch` runs; verified before any work. */
export function hostBuildTools(info: ArchInfo): string[] {
  return [
    'make',
    'tar',
    'bzip2',
    'xz',
    'dpkg-deb',
    'apt-get',
    'apt-cache',
    'dpkg-query',
    `${info.crossCompile}gcc`,
    `${info.crossCompile}strip`,
  ];
}

/**
 * The host toolchain's id for a target: the installed versions of its packages
 * (toolchain/packages/). An upgraded cross compiler changes the id and so every
 * package key built with it.
 */
export async function hostToolchainId(info: ArchInfo): Promise<string> {
  const packages = await toolchainPackagesFor([info.arch], await hostDebianArch());
  const result = await execa('dpkg-query', ['-W', '-f', '${Package}=${Version}\n', ...packages], { reject: false });
  return `host:${sha256Hex(result.stdout)}`;
}

/** Runs a command on this machine, output appended to the step log; it sees PATH, TMPDIR and its own variables only. */
export async function runOnHost(command: ToolchainCommand): Promise<CommandOutcome> {
  const result = await execa(command.command, [...command.args], {
    cwd: command.cwd,
    env: hostStepEnvironment(command.env),
    extendEnv: false,
    input: '',
    reject: false,
    stdout: { file: command.logFile, append: true },
    stderr: { file: command.logFile, append: true },
  });
  if (result.exitCode === undefined || result.signal)
    return { exitCode: result.exitCode, message: result.signal ? `killed by ${result.signal}` : result.originalMessage };
  return { exitCode: result.exitCode };
}

export const hostToolchain: Toolchain = {
  kind: 'host',
  verify: (info) => verifyHostTools(hostBuildTools(info)),
  id: hostToolchainId,
  run: runOnHost,
};
