/**
 * What a booted image must show, asked over the serial console. Each check is one
 * shell command and a judgement on its output; `report` ones are printed in full.
 */
export interface SmokeExpectations {
  hostname: string;
  modules: readonly string[];
}

export interface SmokeCheck {
  name: string;
  command: string;
  report?: boolean;
  /** undefined when the output is right, else what is wrong. */
  problem: (output: string, status: number, expect: SmokeExpectations) => string | undefined;
}

const succeeded = (status: number): string | undefined => (status === 0 ? undefined : `exit status ${status}`);

export const smokeChecks: readonly SmokeCheck[] = [
  {
    name: 'uptime',
    command: 'uptime',
    report: true,
    problem: (out, status) => succeeded(status) ?? (/load average/.test(out) ? undefined : 'no load average'),
  },
  {
    name: 'free',
    command: 'free',
    report: true,
    problem: (out, status) => succeeded(status) ?? (/Mem:/.test(out) ? undefined : 'no Mem: line'),
  },
  {
    name: 'runit is PID 1',
    command: 'cat /proc/1/comm',
    problem: (out) => (out.trim() === 'runit' ? undefined : `PID 1 is "${out.trim()}"`),
  },
  {
    name: 'hostname',
    command: 'hostname',
    problem: (out, _s, expect) => (out.trim() === expect.hostname ? undefined : `is "${out.trim()}", expected "${expect.hostname}"`),
  },
  {
    name: 'board modules loaded',
    command: 'cat /proc/modules',
    problem: (out, _s, expect) => {
      const loaded = new Set(out.split('\n').map((line) => line.split(' ')[0]));
      const missing = expect.modules.map((name) => name.replaceAll('-', '_')).filter((name) => !loaded.has(name));
      return missing.length === 0 ? undefined : `not loaded: ${missing.join(', ')}`;
    },
  },
  {
    name: 'module files freed',
    command: 'ls /lib/modules',
    problem: (out, status) => (status !== 0 && /No such file/.test(out) ? undefined : `/lib/modules still holds: ${out.trim()}`),
  },
  {
    name: 'services running',
    command: 'sv status /etc/service/*',
    problem: (out) => {
      const lines = out.split('\n').filter(Boolean);
      const down = lines.filter((line) => !line.startsWith('run:'));
      return lines.length > 0 && down.length === 0 ? undefined : `not running: ${down.join('; ') || 'no services'}`;
    },
  },
  {
    name: 'network interface',
    command: 'ip -o link show eth0',
    problem: (out, status) => succeeded(status) ?? (/eth0/.test(out) ? undefined : 'no eth0'),
  },
];

/** A check a recipe (or a test) asks of the booted node, with the package it is for. */
export interface PackageCheck {
  package: string;
  /** A shell command run on the node's console. */
  command: string;
  /** A regular expression its output must match. */
  expect: string;
}

/** A recipe's own check: the command must exit 0 and its output match `expect`. */
export function packageCheck(check: PackageCheck): SmokeCheck {
  const pattern = new RegExp(check.expect);
  return {
    name: `${check.package}: ${check.command}`,
    command: check.command,
    problem: (out, status) =>
      succeeded(status) ??
      (pattern.test(out) ? undefined : `output does not match /${check.expect}/: ${out.trim().split('\n').slice(0, 3).join(' | ')}`),
  };
}
