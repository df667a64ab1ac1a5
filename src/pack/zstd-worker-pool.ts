import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ZstdOptions } from './compress.ts';

/**
 * The code each thread runs: zstd's one-shot compressor, blocking that thread only.
 * Not the async zstdCompress: with nbWorkers set it returned an empty buffer (Node
 * 22.23), and Node's streaming compressor feeds zstd in chunks whose boundaries change
 * the bytes. Plain JavaScript evaluated in the worker, so no TypeScript loader is needed there.
 */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { zstdCompressSync } = require('node:zlib');
parentPort.on('message', ({ data, options }) => {
  let compressed;
  try {
    compressed = zstdCompressSync(data, options);
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
    return;
  }
  // Moved, not copied, when the buffer is the whole of its memory (a large one always is).
  const whole = compressed.byteOffset === 0 && compressed.byteLength === compressed.buffer.byteLength;
  parentPort.postMessage({ compressed }, whole ? [compressed.buffer] : []);
});
`;

type Reply = { compressed: Uint8Array; error?: undefined } | { error: string };

/** Whether `data` can be moved to a thread instead of copied: it must be the whole of its memory. */
function ownsItsMemory(data: Buffer): boolean {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
}

function compressOn(worker: Worker, data: Buffer, options: ZstdOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: Reply): void => {
      settle();
      if (reply.error !== undefined) reject(new Error(`zstd failed: ${reply.error}`));
      else resolve(Buffer.from(reply.compressed.buffer, reply.compressed.byteOffset, reply.compressed.byteLength));
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    const onExit = (code: number): void => {
      settle();
      reject(new Error(`the compressor thread exited (code ${code}) before it answered`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ data, options }, ownsItsMemory(data) ? [data.buffer as ArrayBuffer] : []);
  });
}

/**
 * Threads that each run zstd's one-shot compressor, so several layers compress at
 * once while the main thread reads the next layer's files. Threads start on first use.
 * `compress` may take `data`'s memory (it moves to the thread): do not use it after.
 * Call `close` when done, or the threads keep the process alive.
 */
export class ZstdWorkerPool {
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  readonly #waiting: Array<(worker: Worker) => void> = [];

  constructor(size = availableParallelism()) {
    this.#size = Math.max(1, size);
  }

  async compress(data: Buffer, options: ZstdOptions): Promise<Buffer> {
    const worker = await this.#acquire();
    try {
      const compressed = await compressOn(worker, data, options);
      this.#release(worker);
      return compressed;
    } catch (error) {
      // A thread that failed is not trusted with the next layer.
      this.#all.delete(worker);
      await worker.terminate();
      this.#release(undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #acquire(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.#all.size < this.#size) {
      const worker = new Worker(workerSource, { eval: true });
      this.#all.add(worker);
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Hand a thread (or, after a failure, a fresh one) to whoever waits. */
  #release(worker: Worker | undefined): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      if (worker !== undefined) this.#idle.push(worker);
      return;
    }
    if (worker !== undefined) {
      next(worker);
      return;
    }
    const fresh = new Worker(workerSource, { eval: true });
    this.#all.add(fresh);
    next(fresh);
  }
}
