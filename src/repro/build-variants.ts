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
 * The toolchains of the two builds: the one the user named for both; else the first on
 * docker when an engine answers with the toolchain image, and the second, the one under
 * umask 077, UTC+14 and Turkish, on the host. That way round because a container does
 * not take the caller's umask or environment (docker starts its steps with umask 022):
 * only on the host do they reach the compilers and install steps. Without docker both
 * are host builds. `why` says which and why for the check's first line.
 */
export async function variantToolchains(
  named: NamedToolchain | undefined,
): Promise<{ first: BuildVariant['toolchain']; second: BuildVariant['toolchain']; why: string }> {
  if (named) return { first: named.toolchain, second: named.toolchain, why: `${named.how} for both builds` };
  const auto = await selectToolchain('auto', { ...process.env, EMB_TOOLCHAIN: 'auto' });
  return auto.toolchain.kind === 'docker'
    ? { first: 'docker', second: 'host', why: 'docker, then host' }
    : { first: 'host', second: 'host', why: `host twice: docker cannot be used (${auto.reason.replace(/^host \((.*)\)$/, '$1')})` };
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

/** The check's two builds (variantToolchains says on which toolchains, and why). */
export async function buildVariants(
  named: NamedToolchain | undefined,
  localeDir: string,
): Promise<{ variants: [BuildVariant, BuildVariant]; why: string }> {
  const toolchains = await variantToolchains(named);
  return { why: toolchains.why, variants: [firstVariant(toolchains.first), await secondVariant(toolchains.second, localeDir)] };
}

/** The umask as the shell's `umask` builtin takes it. */
export function umaskText(umask: number): string {
  return octal(umask);
}
