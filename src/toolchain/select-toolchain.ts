import { EmbError } from '../errors.ts';
import { hasImage, isDockerEngineAnswering } from './docker-engine.ts';
import { toolchainImageTag } from './toolchain-image.ts';
import { dockerToolchain } from './docker-toolchain.ts';
import { hostToolchain } from './host-toolchain.ts';
import type { Toolchain } from './toolchain.ts';

export type ToolchainChoice = 'docker' | 'host' | 'auto';

export interface SelectedToolchain {
  toolchain: Toolchain;
  /** Printed at the start of a build: which one, and why. */
  reason: string;
}

/**
 * --toolchain, else EMB_TOOLCHAIN, else docker when a Docker engine answers (a local
 * one, or a remote one through DOCKER_HOST or a docker context) and has the toolchain
 * image, else host. An engine without the image falls back to host, saying so: on a
 * fresh Debian machine docker.io starts its engine on install, and the first
 * `emb build` must not fail for want of an image nobody asked for.
 */
export async function selectToolchain(choice: ToolchainChoice | undefined, env = process.env): Promise<SelectedToolchain> {
  const wanted = choice && choice !== 'auto' ? choice : (((env.EMB_TOOLCHAIN || undefined) as ToolchainChoice | undefined) ?? 'auto');
  if (wanted === 'host')
    return { toolchain: hostToolchain, reason: choice === 'host' ? 'host (--toolchain host)' : 'host (EMB_TOOLCHAIN=host)' };
  if (wanted === 'docker')
    return { toolchain: dockerToolchain, reason: choice === 'docker' ? 'docker (--toolchain docker)' : 'docker (EMB_TOOLCHAIN=docker)' };
  if (wanted !== 'auto') throw new EmbError(`EMB_TOOLCHAIN is "${wanted}"`, 'set it to docker, host or auto');
  if (!(await isDockerEngineAnswering())) return { toolchain: hostToolchain, reason: 'host (no Docker engine answered)' };
  const tag = await toolchainImageTag();
  if (!(await hasImage(tag)))
    return { toolchain: hostToolchain, reason: `host (a Docker engine answered but has no ${tag}: run emb toolchain build to use it)` };
  return { toolchain: dockerToolchain, reason: 'docker (a Docker engine answered; --toolchain host to build on this machine)' };
}
