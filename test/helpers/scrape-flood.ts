import { connect } from 'node:net';
import { prometheusTextProblem } from './prometheus-text.ts';

/**
 * A bounded flood of scrapes: `clients` loops, each asking GET `path` (HTTP/1.0, so the
 * server closes after its answer) again as soon as the last exchange ended, until
 * `seconds` have passed; every exchange bounded by `exchangeTimeoutMs`. Each answer is
 * sorted: a whole 200 with well-formed Prometheus text holding `mustHold`, a refusal
 * (connection refused or reset, closed without a byte, or a 5xx status), no answer in
 * time, or anything else (a malformed answer: the failure the flood looks for).
 */
export interface FloodOutcome {
  wellFormed: number;
  refused: number;
  timedOut: number;
  malformed: string[];
}

type Exchange = { kind: 'wellFormed' | 'refused' | 'timedOut' } | { kind: 'malformed'; why: string };

function classify(raw: Buffer, mustHold: RegExp): Exchange {
  if (raw.length === 0) return { kind: 'refused' };
  const text = raw.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text);
  if (!status) return { kind: 'malformed', why: `no status line: ${JSON.stringify(text.slice(0, 80))}` };
  if (status[1]?.startsWith('5')) return { kind: 'refused' };
  if (status[1] !== '200') return { kind: 'malformed', why: `status ${status[1]}` };
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { kind: 'malformed', why: 'the headers do not end' };
  const body = text.slice(split + 4);
  const problem = prometheusTextProblem(body) ?? (mustHold.test(body) ? undefined : `no line matching ${mustHold}`);
  return problem ? { kind: 'malformed', why: `${problem} (${body.length} bytes)` } : { kind: 'wellFormed' };
}

function scrapeOnce(port: number, path: string, mustHold: RegExp, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (exchange: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(exchange);
    };
    const timer = setTimeout(() => finish({ kind: 'timedOut' }), timeoutMs);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish(classify(Buffer.concat(chunks), mustHold)));
    // Refused or reset: with bytes already read, what came is judged (a reset after a whole answer is fine, a cut one is not).
    socket.on('error', () => finish(chunks.length === 0 ? { kind: 'refused' } : classify(Buffer.concat(chunks), mustHold)));
  });
}

export async function scrapeFlood(options: {
  port: number;
  path: string;
  clients: number;
  seconds: number;
  exchangeTimeoutMs: number;
  mustHold: RegExp;
}): Promise<FloodOutcome> {
  const outcome: FloodOutcome = { wellFormed: 0, refused: 0, timedOut: 0, malformed: [] };
  const deadline = Date.now() + options.seconds * 1000;
  const client = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const exchange = await scrapeOnce(options.port, options.path, options.mustHold, options.exchangeTimeoutMs);
      if (exchange.kind === 'malformed') outcome.malformed.push(exchange.why);
      else outcome[exchange.kind] += 1;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return outcome;
}
