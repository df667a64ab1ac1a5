import type { Writable, Readable } from 'node:stream';
import { EmbError } from '../errors.ts';

/**
 * The guest's serial console as text the host can wait on and type into. Commands
 * are framed by markers the shell prints; the markers are typed with a "" split in
 * them, so the tty's echo of the typed line never matches what the shell prints.
 */
export class SerialConsole {
  private text = '';
  private listeners = new Set<() => void>();
  private closed = false;
  private commandCount = 0;

  private readonly input: Writable;
  private readonly onText: (chunk: string) => void;

  constructor(input: Writable, output: Readable, onText: (chunk: string) => void = () => undefined) {
    this.input = input;
    this.onText = onText;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      const clean = chunk.replaceAll('\r', '');
      this.text += clean;
      this.onText(clean);
      for (const listener of this.listeners) listener();
    });
    output.on('close', () => {
      this.closed = true;
      for (const listener of this.listeners) listener();
    });
  }

  /** Everything seen so far. */
  get transcript(): string {
    return this.text;
  }

  /** The last `lines` lines, for error reports. */
  tail(lines = 40): string {
    return this.text.split('\n').slice(-lines).join('\n');
  }

  /** Resolve with the first match of `pattern` at or after `from`, or fail after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return this.waitForMatch(pattern, timeoutMs, (text) => {
      const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text.slice(from));
      if (match) match.index += from;
      return match ?? undefined;
    });
  }

  /** Resolve with what `find` returns for the transcript once it returns something, or fail after `timeoutMs`. */
  private waitForMatch<T>(pattern: RegExp, timeoutMs: number, find: (text: string) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = find(this.text);
        if (found !== undefined) {
          finish();
          resolve(found);
          return true;
        }
        if (this.closed) {
          finish();
          reject(new EmbError(`the guest's console closed before ${pattern} appeared`, 'see the console tail above'));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new EmbError(
            `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${pattern} on the console`,
            'see the console tail; raise --timeout if the machine is slow',
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  /**
   * Run one shell command in the guest and return its output and exit status. The
   * frame is found in the transcript with the kernel's messages cut out: printk writes
   * to the same UART whenever it likes, also in the middle of a line the shell is
   * printing, which would break a marker in two (nvidia.ko's load prints a dozen lines
   * just as the first checks run).
   */
  async run(command: string, timeoutMs: number): Promise<{ output: string; status: number }> {
    const id = ++this.commandCount;
    const from = this.text.length;
    this.type(`echo "@@EMB""-BEGIN-${id}"; ${command}; echo "@@EMB""-END-${id} status=$?"`);
    const frame = new RegExp(`@@EMB-BEGIN-${id}\\n([\\s\\S]*?)@@EMB-END-${id} status=(\\d+)\\n`);
    const match = await this.waitForMatch(frame, timeoutMs, (text) => frame.exec(withoutKernelMessages(text.slice(from))) ?? undefined);
    return { output: match[1] ?? '', status: Number(match[2]) };
  }
}

/** A line the kernel printed ("[    3.349984] IPv6: …"): printk, time stamps on. */
const KERNEL_LINE = /^\[\s*\d+\.\d+\] .*\n/gm;

/**
 * The kernel's own messages share the serial console: one that comes while a command
 * runs lands between its markers (a link coming up during `hostname` was read as part
 * of the host name). A whole line with printk's time stamp is the kernel's, not the
 * command's.
 */
export function withoutKernelLines(output: string): string {
  return output.replace(KERNEL_LINE, '');
}

/** A message printk wrote, wherever it starts: "[%5lu.%06lu] " then the text to the line's end. */
const KERNEL_MESSAGE = /\[\s*\d+\.\d{6}\] [^\n]*\n/g;

/** The text without the kernel's messages: whole lines, and those that cut into a line (which then joins up again). */
export function withoutKernelMessages(text: string): string {
  return withoutKernelLines(text).replace(KERNEL_MESSAGE, '');
}
