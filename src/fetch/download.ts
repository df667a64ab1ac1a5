import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EmbError } from '../errors.ts';
import { tempPathBeside } from '../fs/atomic.ts';
import { isIntactDownload } from './intact-download.ts';
import { faultPoint } from '../fs/fault-point.ts';

export interface DownloadCandidate {
  /** What the user reads in an error, e.g. "upstream" or "Debian mirror". */
  label: string;
  url: string;
}

/** Where a verified download lives: named by its hash, and hashed again before a build reads it (intact-download.ts). */
export function downloadCachePath(cacheRoot: string, sha256: string, fileName: string): string {
  return join(cacheRoot, 'downloads', sha256, fileName);
}

/** Stream `url` into `temp` and return the sha256 of what arrived. */
async function downloadToFile(url: string, temp: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  const written = pipeline(body, createWriteStream(temp));
  await faultPoint('download-stream'); // a test kills emb here, the body still streaming into the temp file
  await written;
  return hash.digest('hex');
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * Fetch a file by sha256 from the first candidate that has the right bytes. The hash is
 * checked before the file is renamed into the cache: a wrong or partial download is
 * deleted, never kept. Fails with every place tried and why.
 */
export async function fetchVerified(
  cacheRoot: string,
  fileName: string,
  sha256: string,
  candidates: readonly DownloadCandidate[],
  timeoutMs = 120_000,
): Promise<{ path: string; from: DownloadCandidate | 'cache' }> {
  const finalPath = downloadCachePath(cacheRoot, sha256, fileName);
  if (await isIntactDownload(finalPath, sha256)) return { path: finalPath, from: 'cache' };
  await mkdir(join(cacheRoot, 'downloads', sha256), { recursive: true });
  const tried: string[] = [];
  for (const candidate of candidates) {
    const temp = tempPathBeside(finalPath);
    try {
      const got = await downloadToFile(candidate.url, temp, timeoutMs);
      if (got !== sha256) {
        tried.push(`${candidate.url}: sha256 mismatch (got ${got})`);
        continue;
      }
      await rename(temp, finalPath);
      return { path: finalPath, from: candidate };
    } catch (error) {
      tried.push(`${candidate.url}: ${reasonOf(error)}`);
    } finally {
      await rm(temp, { force: true });
    }
  }
  await rm(join(cacheRoot, 'downloads', sha256), { recursive: true, force: true }).catch(() => undefined);
  throw new EmbError(
    `cannot fetch ${fileName} with sha256 ${sha256.slice(0, 12)}…: tried ${tried.join('; ')}`,
    "check the recipe's url and sha256, or set EMB_DEBIAN_MIRROR to a reachable Debian mirror",
  );
}
