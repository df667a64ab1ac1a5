import { selectToolchain } from '../toolchain/select-toolchain.ts';
import { otherLocaleEnv } from './private-locale.ts';

/** How one of the check's two builds runs: everything the image must not depend on, set apart from the other's. */
export interface BuildVariant {
  name: 'first' | 'second';
  toolchain: 'host' | 'docker';
  umask: number;
  /** TZ and the locale (LANG, LC_ALL, LOCPATH), over the caller's environment. */
  env: Record<string, string>;
  /** e.g. "toolchain host, umask 022, TZ=UTC, LC_ALL=C.UTF-8". */
  label: string;
}

/** Past the date line from UTC (UTC+14): a build that writes its local date or time shows it. */
export const otherTimeZone = 'Pacific/Kiritimati';

const octal = (umask: number): string => umask.toString(8).padStart(3, '0');

/** The toolchain the user named for both builds, and how (for the check's first line). */
export interface NamedToolchain {
  toolchain: 'host' | 'docker';
  /** e.g. "--toolchain host" or "EMB_TOOLCHAIN=host". */
  how: string;
}

/**
 * The second build's toolchain: the one the user named for both, else docker when an
 * engine answers with the toolchain image (the other toolchain from the first's host),
 * else host again; `why` says which and why for the check's first line.
 */
export async function secondToolchain(named: NamedToolchain | undefined): Promise<{ toolchain: 'host' | 'docker'; why: string }> {
  if (named) return { toolchain: named.toolchain, why: `${named.how} for both builds` };
  const auto = await selectToolchain('auto', { ...process.env, EMB_TOOLCHAIN: 'auto' });
  return auto.toolchain.kind === 'docker'
    ? { toolchain: 'docker', why: 'host, then docker' }
    : { toolchain: 'host', why: `host twice: docker cannot be used (${auto.reason.replace(/^host \((.*)\)$/, '$1')})` };
}

function variant(
  name: BuildVariant['name'],
  toolchain: BuildVariant['toolchain'],
  umask: number,
  env: Record<string, string>,
  localeLabel: string,
): BuildVariant {
  return { name, toolchain, umask, env, label: `toolchain ${toolchain}, umask ${octal(umask)}, TZ=${env.TZ}, ${localeLabel}` };
}

/** The first build: umask 022, UTC and the C locale. */
export function firstVariant(toolchain: BuildVariant['toolchain']): BuildVariant {
  return variant('first', toolchain, 0o022, { TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }, 'LC_ALL=C.UTF-8');
}

/** The second build: umask 077, UTC+14 and a Turkish locale (compiled into `localeDir`). */
export async function secondVariant(toolchain: BuildVariant['toolchain'], localeDir: string): Promise<BuildVariant> {
  const locale = await otherLocaleEnv(localeDir);
  return variant('second', toolchain, 0o077, { TZ: otherTimeZone, ...locale.env }, locale.label);
}

/** The check's two builds: the second on the other toolchain when there is one (secondToolchain). */
export async function buildVariants(
  named: NamedToolchain | undefined,
  localeDir: string,
): Promise<{ variants: [BuildVariant, BuildVariant]; why: string }> {
  const second = await secondToolchain(named);
  return { why: second.why, variants: [firstVariant(named?.toolchain ?? 'host'), await secondVariant(second.toolchain, localeDir)] };
}

/** The umask as the shell's `umask` builtin takes it. */
export function umaskText(umask: number): string {
  return octal(umask);
}
