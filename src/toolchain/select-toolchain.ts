import { EmbError } from '../errors.ts';
import { isDockerEngineAnswering } from './docker-engine.ts';
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
 * one, or a remote one through DOCKER_HOST or a docker context), else host.
 */
export async function selectToolchain(choice: ToolchainChoice | undefined, env = process.env): Promise<SelectedToolchain> {
  const wanted = choice && choice !== 'auto' ? choice : (env.EMB_TOOLCHAIN as ToolchainChoice | undefined) ?? 'auto';
  if (wanted === 'host') return { toolchain: hostToolchain, reason: choice === 'host' ? 'host (--toolchain host)' : 'host (EMB_TOOLCHAIN=host)' };
  if (wanted === 'docker') return { toolchain: dockerToolchain, reason: choice === 'docker' ? 'docker (--toolchain docker)' : 'docker (EMB_TOOLCHAIN=docker)' };
  if (wanted !== 'auto') throw new EmbError(`EMB_TOOLCHAIN is "${wanted}"`, 'set it to docker, host or auto');
  if (await isDockerEngineAnswering()) return { toolchain: dockerToolchain, reason: 'docker (a Docker engine answered; --toolchain host to build on this machine)' };
  return { toolchain: hostToolchain, reason: 'host (no Docker engine answered)' };
}
