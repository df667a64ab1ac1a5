import { hostname } from 'node:os';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { hasImage, inspectImage, verifyDockerEngine, type ImageSummary } from './docker-engine.ts';
import { containerLimits } from './container-limits.ts';
import { removeLeftoverContainers } from './docker-leftovers.ts';
import { dockerRunArgs, type DockerRunTarget } from './docker-run-args.ts';
import { baseImageReference, toolchainImageTag } from './toolchain-image.ts';
import type { CommandOutcome, Toolchain, ToolchainCommand } from './toolchain.ts';

export { toolchainImageTag } from './toolchain-image.ts';

/** docker run's own failures (125), as opposed to the command's exit code. */
const dockerRunFailed = 125;

/** One inspect per process: the image a build starts with is the one all its steps use. */
let resolvedImage: Promise<ImageSummary | undefined> | undefined;

function toolchainImage(): Promise<ImageSummary | undefined> {
  resolvedImage ??= toolchainImageTag().then((tag) => inspectImage(tag));
  return resolvedImage;
}

async function requireToolchainImage(): Promise<ImageSummary> {
  const image = await toolchainImage();
  if (image) return image;
  resolvedImage = undefined;
  const tag = await toolchainImageTag();
  const hint = (await hasImage(baseImageReference)) ? 'run: emb toolchain build' : 'run: emb toolchain base, then: emb toolchain build';
  throw new EmbError(
    `the docker toolchain image ${tag} does not exist (it is named after toolchain/Dockerfile and toolchain/packages/*.list)`,
    hint,
  );
}

/** The engine answers and the image of the current Dockerfile exists; clears leftovers of killed runs. */
export async function verifyDockerToolchain(): Promise<void> {
  await verifyDockerEngine('or build with --toolchain host');
  await requireToolchainImage();
  await removeLeftoverContainers();
}

let containerCount = 0;

/**
 * Where and as whom the next container runs: the invoking user's uid and gid, so
 * what a build writes into the mounts is theirs; a name and labels unique to this
 * emb process, so its leftovers can be told from a live build's containers.
 */
export function nextContainerTarget(image: ImageSummary): DockerRunTarget {
  containerCount += 1;
  return {
    image: image.id,
    platform: image.platform,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    containerName: `emb-${process.pid}-${containerCount}`,
    ownerPid: process.pid,
    ownerHost: hostname(),
    limits: containerLimits(),
  };
}

/** Runs one command in a fresh container of the toolchain image; output appended to the step log. */
export async function runInDocker(command: ToolchainCommand): Promise<CommandOutcome> {
  const args = dockerRunArgs(command, nextContainerTarget(await requireToolchainImage()));
  const result = await execa('docker', args, {
    input: '',
    reject: false,
    stdout: { file: command.logFile, append: true },
    stderr: { file: command.logFile, append: true },
  });
  if (result.exitCode === undefined || result.signal)
    return { exitCode: result.exitCode, message: result.signal ? `docker client killed by ${result.signal}` : result.originalMessage };
  if (result.exitCode === dockerRunFailed)
    return { exitCode: result.exitCode, message: 'docker could not start the container (its reason is in the log)' };
  return { exitCode: result.exitCode };
}

export const dockerToolchain: Toolchain = {
  kind: 'docker',
  // The image carries every cross compiler of toolchain/packages/, so one check fits every arch.
  verify: () => verifyDockerToolchain(),
  id: async () => `docker:${(await requireToolchainImage()).id}`,
  run: runInDocker,
};
