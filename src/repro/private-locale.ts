import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { pathExists } from '../fs/exists.ts';

/** A locale far from C: Turkish maps i and I to other letters, sorts them apart and writes 1,5 for 1.5. */
export const otherLocale = 'tr_TR.UTF-8';

/** Where Debian's package locales keeps the sources localedef compiles. */
const localeSources = '/usr/share/i18n/locales';

export interface LocaleEnv {
  env: Record<string, string>;
  /** How the check names it in its lines. */
  label: string;
}

const posix = (why: string): LocaleEnv => ({ env: { LANG: 'POSIX', LC_ALL: 'POSIX' }, label: `LC_ALL=POSIX (no ${otherLocale}: ${why})` });

/**
 * The environment of a build in `otherLocale`, compiled with localedef into `dir`
 * (LOCPATH), so no locale need be installed on the host. Without Debian's locale
 * sources (package locales) it falls back to POSIX, and the label says why.
 */
export async function otherLocaleEnv(dir: string): Promise<LocaleEnv> {
  const [language, charset] = otherLocale.split('.') as [string, string];
  if (!(await pathExists(join(localeSources, language)))) return posix('apt-get install locales');
  await mkdir(dir, { recursive: true });
  const made = await execa('localedef', ['-i', language, '-f', charset, join(dir, otherLocale)], { reject: false });
  // localedef exits 1 on warnings it still writes the locale through; the folder it made is what counts.
  if (!(await pathExists(join(dir, otherLocale, 'LC_CTYPE')))) {
    return posix(`localedef failed: ${String(made.stderr).split('\n').filter(Boolean).pop() ?? made.message}`);
  }
  return { env: { LOCPATH: dir, LANG: otherLocale, LC_ALL: otherLocale }, label: `LC_ALL=${otherLocale}` };
}
