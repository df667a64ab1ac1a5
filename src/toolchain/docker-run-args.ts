import { isAbsolute } from 'node:path';
import { EmbError } from '../errors.ts';
import { type ContainerLimits, containerConfinementArgs } from './container-limits.ts';
import type { ToolchainCommand } from './toolchain.ts';

/** Label keys on every container emb starts, so leftovers of a killed emb can be found. */
export const containerPidLabel = 'emb.pid';
export const containerHostLabel = 'emb.host';

export interface DockerRunTarget {
  /** An image id (sha256:…) rather than a tag, so every step runs the compilers the toolchain id names. */
  image: string;
  /** os/arch of the image, e.g. linux/amd64; pinned so docker never picks another variant or emulates. */
  platform: string;
  uid: number;
  gid: number;
  containerName: string;
  /** The pid and hostname of the emb process, as labels. */
  ownerPid: number;
  ownerHost: string;
  /** Memory and process bounds (container-limits.ts). */
  limits: ContainerLimits;
}

/**
 * A bind mount at the same path inside and out, so DESTDIR, SYSROOT and the paths a
 * build writes into its files are identical in both toolchains. --mount, unlike -v,
 * refuses a missing source instead of creating it as a root-owned folder.
 */
function sameBindMount(path: string): string[] {
  if (!isAbsolute(path) || /[,\n"]/.test(path)) {
    throw new EmbError(
      `cannot mount "${path}" into the toolchain container`,
      'use an absolute cache path without commas or quotes (EMB_CACHE_DIR)',
    );
  }
  return ['--mount', `type=bind,source=${path},target=${path}`];
}

/** The argv after `docker` that runs one build command in the toolchain image. */
export function dockerRunArgs(command: ToolchainCommand, target: DockerRunTarget): string[] {
  return [
    'run',
    '--rm',
    '--name',
    target.containerName,
    '--label',
    `${containerPidLabel}=${target.ownerPid}`,
    '--label',
    `${containerHostLabel}=${target.ownerHost}`,
    // A PID 1 that forwards signals: the signal the client passes on (Ctrl-C) stops make.
    '--init',
    // A build that fetches is not reproducible; sources come from emb's fetch stage.
    '--network',
    'none',
    '--platform',
    target.platform,
    // Files written into the mounts must belong to the user who runs emb, not root.
    '--user',
    `${target.uid}:${target.gid}`,
    ...containerConfinementArgs(target.limits),
    // The uid usually has no passwd entry in the image, hence no home.
    '-e',
    'HOME=/tmp',
    ...Object.entries(command.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
    ...command.mounts.flatMap(sameBindMount),
    '-w',
    command.cwd,
    target.image,
    command.command,
    ...command.args,
  ];
}
