import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { hasImage, inspectImage, verifyDockerEngine, type ImageSummary } from './docker-engine.ts';
import { runLogged } from './logged-command.ts';
import { baseImageReference, toolchainContextDir, toolchainImageName, toolchainImageTag } from './toolchain-image.ts';

export interface ToolchainImageOptions {
  logFile: string;
  report: (line: string) => void;
}

export interface ToolchainImageResult {
  tag: string;
  latestTag: string;
  image: ImageSummary;
  seconds: number;
}

/**
 * docker build of toolchain/Dockerfile, tagged with the hash of its inputs and as
 * :latest. Docker's layer cache makes a rebuild of unchanged inputs the same image.
 */
export async function buildToolchainImage(options: ToolchainImageOptions): Promise<ToolchainImageResult> {
  const started = performance.now();
  await verifyDockerEngine();
  if (!(await hasImage(baseImageReference)))
    throw new EmbError(`the base image ${baseImageReference} does not exist (no registry is used)`, 'run: emb toolchain base');
  const tag = await toolchainImageTag();
  const latestTag = `${toolchainImageName}:latest`;
  const args = ['build', '--tag', tag, '--tag', latestTag, '--file', join(toolchainContextDir, 'Dockerfile'), toolchainContextDir];
  await runLogged('docker', args, {
    what: 'docker build',
    logFile: options.logFile,
    onLine: options.report,
    hint: 'fix toolchain/Dockerfile or toolchain/packages/, then run: emb toolchain build',
  });
  const image = await inspectImage(tag);
  if (!image) throw new EmbError(`docker build finished but ${tag} is not there`, `read ${options.logFile}`);
  return { tag, latestTag, image, seconds: (performance.now() - started) / 1000 };
}
