import type { ArchInfo } from '../plan/arch-info.ts';

/** One command of a build step, with everything it may see. */
export interface ToolchainCommand {
  command: string;
  args: readonly string[];
  /** Absolute; inside the package's scratch folder. */
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Folders the command reads and writes (the scratch folder); a container mounts them at the same paths. */
  mounts: readonly string[];
}

export interface CommandOutcome {
  /** undefined when the program could not be started at all. */
  exitCode?: number;
  /** Why it could not start or was killed, when it was not a plain non-zero exit. */
  message?: string;
}

/**
 * Where build steps run. Two implementations share this shape: `host` (the Debian
 * packages of toolchain/packages/ installed on this machine) and `docker` (the image
 * built from toolchain/Dockerfile from the same lists).
 */
export interface Toolchain {
  kind: 'host' | 'docker';
  /** Throws an EmbError naming the fix when this toolchain cannot build for `info`. */
  verify(info: ArchInfo): Promise<void>;
  /** Part of every package key: changes when the compilers or libraries change. */
  id(info: ArchInfo): Promise<string>;
  run(command: ToolchainCommand): Promise<CommandOutcome>;
}
