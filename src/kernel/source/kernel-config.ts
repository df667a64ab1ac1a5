/**
 * Kernel configuration fragments: what kernel-configs/ holds, merged and checked. A
 * fragment is a list of `CONFIG_X=value` lines (`=n` or `# CONFIG_X is not set` for
 * off); emb hands the merged list to `make allnoconfig` as KCONFIG_ALLCONFIG, so every
 * symbol not named stays off. Kconfig silently drops a value whose dependencies are
 * unmet, so after configuring, emb compares the resulting .config with what was asked.
 */
import { EmbError } from '../../errors.ts';

/** One symbol a fragment sets, with where it was set (for the error that names it). */
export interface ConfigRequest {
  symbol: string;
  /** 'y', 'm', 'n', a number or a quoted string, as written. */
  value: string;
  file: string;
  line: number;
}

const assignment = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const notSet = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/;

/** The requests of one fragment file; a line that is neither an assignment nor a comment is refused. */
export function parseConfigFragment(text: string, file: string): ConfigRequest[] {
  const requests: ConfigRequest[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const off = notSet.exec(line);
    if (off?.[1]) {
      requests.push({ symbol: off[1], value: 'n', file, line: index + 1 });
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const set = assignment.exec(line);
    if (!set?.[1] || set[2] === undefined || set[2] === '') {
      throw new EmbError(
        `${file}:${index + 1}: "${line}" is not a kernel config line`,
        'write CONFIG_NAME=y, =m, =n, a number or a "quoted string", or a # comment',
      );
    }
    requests.push({ symbol: set[1], value: set[2], file, line: index + 1 });
  });
  return requests;
}

/** Fragments in order, later ones overriding earlier ones symbol by symbol. */
export function mergeConfigRequests(fragments: readonly ConfigRequest[][]): ConfigRequest[] {
  const bySymbol = new Map<string, ConfigRequest>();
  for (const fragment of fragments) {
    for (const request of fragment) {
      bySymbol.delete(request.symbol);
      bySymbol.set(request.symbol, request);
    }
  }
  return [...bySymbol.values()];
}

/** The merged fragment as KCONFIG_ALLCONFIG reads it. */
export function allConfigText(requests: readonly ConfigRequest[]): string {
  return `${requests.map((request) => (request.value === 'n' ? `# ${request.symbol} is not set` : `${request.symbol}=${request.value}`)).join('\n')}\n`;
}

/** A resolved .config: every symbol set, with its value ('n' for "is not set"). */
export function parseDotConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const off = notSet.exec(line);
    if (off?.[1]) values.set(off[1], 'n');
    const set = assignment.exec(line);
    if (set?.[1] && set[2] !== undefined) values.set(set[1], set[2]);
  }
  return values;
}

/** Requests the resolved .config does not honour: Kconfig dropped or changed them. */
export function unmetConfigRequests(requests: readonly ConfigRequest[], resolved: ReadonlyMap<string, string>): string[] {
  const unmet: string[] = [];
  for (const request of requests) {
    const got = resolved.get(request.symbol) ?? 'n';
    if (got !== request.value) {
      const now = resolved.has(request.symbol) ? `is ${got}` : 'does not exist in this kernel or is hidden by an unmet dependency';
      unmet.push(`${request.file}:${request.line}: ${request.symbol}=${request.value} ${now}`);
    }
  }
  return unmet;
}
