import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { debianArchiveUris } from '../fetch/debian-mirrors.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import { inspectImage, verifyDockerEngine, type ImageSummary } from './docker-engine.ts';
import { runLogged } from './logged-command.ts';
import { baseImageReference } from './toolchain-image.ts';

export interface BaseImageOptions {
  force?: boolean;
  /** A Debian archive URI; default: the first one the host's apt uses. */
  mirror?: string;
  logFile: string;
  report: (line: string) => void;
}

export interface BaseImageResult {
  reference: string;
  image: ImageSummary;
  /** false when it existed and --force was not given. */
  created: boolean;
  seconds: number;
}

/** As in Debian's official image, which an imported tree lacks: docker's RUN needs a PATH. */
const importChanges = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'];

async function chooseMirror(mirror: string | undefined): Promise<string> {
  const uri = mirror ?? (await debianArchiveUris())[0];
  if (!uri)
    throw new EmbError('no Debian archive is configured in /etc/apt', 'give one: emb toolchain base --mirror http://deb.debian.org/debian');
  return uri;
}

/** The daemon's or tar's own last words, not execa's summary of the command line. */
function importFailure(error: unknown): string {
  const failed = error as { stderr?: unknown; shortMessage?: string; pipedFrom?: { stderr?: unknown; shortMessage?: string }[] };
  const said = [failed, ...(failed.pipedFrom ?? [])]
    .map((step) =>
      String(step.stderr ?? '')
        .trim()
        .split('\n')
        .pop(),
    )
    .filter(Boolean);
  const [summary = ''] = (failed.shortMessage ?? String(error)).split('\n'); // split always gives at least one line
  return said.join('; ') || summary;
}

/**
 * tar of the tree piped into `docker import`; numeric owners so the host's user names
 * play no part. The tar stream (some 100 MB) must not be buffered, only piped.
 */
async function importTree(dir: string, options: BaseImageOptions): Promise<void> {
  const changes = importChanges.flatMap((change) => ['--change', change]);
  try {
    await execa('tar', ['-C', dir, '--numeric-owner', '-c', '.'], { buffer: false }).pipe('docker', [
      'import',
      ...changes,
      '-',
      baseImageReference,
    ]);
  } catch (error) {
    throw new EmbError(
      `importing the debootstrap tree as ${baseImageReference} failed: ${importFailure(error)}`,
      `retry: emb toolchain base --force (log: ${options.logFile})`,
    );
  }
}

/**
 * `FROM debian:bookworm` for a machine that reaches no Docker registry: debootstrap a
 * minbase bookworm from the Debian archive and import it. Needs root (debootstrap
 * makes device nodes and chroots); the temp tree is removed whatever happens.
 */
export async function createBaseImage(options: BaseImageOptions): Promise<BaseImageResult> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  await verifyDockerEngine();
  const existing = await inspectImage(baseImageReference);
  if (existing && !options.force) return { reference: baseImageReference, image: existing, created: false, seconds: seconds() };
  if (process.getuid?.() !== 0)
    throw new EmbError(
      'emb toolchain base needs root: debootstrap creates device nodes and chroots',
      'run it as root (sudo npx emb toolchain base)',
    );
  await verifyHostTools(['debootstrap', 'tar']);
  const mirror = await chooseMirror(options.mirror);
  const dir = await mkdtemp(join(tmpdir(), 'emb-debootstrap-'));
  try {
    options.report(`debootstrap --variant=minbase bookworm from ${mirror}`);
    await runLogged('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror], {
      what: 'debootstrap',
      logFile: options.logFile,
      onLine: options.report,
      hint: 'check the mirror (--mirror URI), then run: emb toolchain base',
    });
    options.report(`importing as ${baseImageReference}`);
    await importTree(dir, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const image = await inspectImage(baseImageReference);
  if (!image)
    throw new EmbError(
      `docker import finished but ${baseImageReference} is not there`,
      'run: docker images, then: emb toolchain base --force',
    );
  return { reference: baseImageReference, image, created: true, seconds: seconds() };
}
