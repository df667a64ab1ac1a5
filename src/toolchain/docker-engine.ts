import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { verifyHostTools } from '../host/host-tools.ts';

/**
 * Questions to the Docker engine, all through the docker CLI so DOCKER_HOST and
 * docker contexts pick the engine exactly as they do for the user's own commands.
 */

/** The engine is up when the client gets a server version; 5 s bounds a hung socket. */
export async function isDockerEngineAnswering(timeoutMs = 5_000): Promise<boolean> {
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: timeoutMs, input: '' });
  return result.exitCode === 0 && result.stdout.trim() !== '';
}

/** Throws the fix when no engine answers; `alternative` is what else the user may do. */
export async function verifyDockerEngine(alternative?: string): Promise<void> {
  await verifyHostTools(['docker']);
  if (await isDockerEngineAnswering()) return;
  const also = alternative ? `, ${alternative}` : '';
  throw new EmbError(
    'the Docker engine does not answer (docker version)',
    `start it (as root: dockerd &, or systemctl start docker), check DOCKER_HOST or your docker group membership${also}`,
  );
}

export interface ImageSummary {
  /** sha256:… : what a container runs, whatever tags later point elsewhere. */
  id: string;
  sizeBytes: number;
  /** os/arch as `docker run --platform` takes it, e.g. linux/amd64. */
  platform: string;
}

/** Parses `docker image inspect --format '{{.Id}} {{.Size}} {{.Os}}/{{.Architecture}}'`. */
export function parseImageSummary(text: string): ImageSummary | undefined {
  const [id, size, platform] = text.trim().split(/\s+/);
  if (!id?.startsWith('sha256:') || !platform || !/^\d+$/.test(size ?? '')) return undefined;
  return { id, sizeBytes: Number(size), platform };
}

/** undefined when no image has that name (or the engine cannot say). */
export async function inspectImage(reference: string, timeoutMs = 30_000): Promise<ImageSummary | undefined> {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}} {{.Os}}/{{.Architecture}}', reference], {
    reject: false,
    timeout: timeoutMs,
    input: '',
  });
  return result.exitCode === 0 ? parseImageSummary(result.stdout) : undefined;
}

export async function hasImage(reference: string): Promise<boolean> {
  return (await inspectImage(reference)) !== undefined;
}
