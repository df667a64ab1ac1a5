import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** A locale far from C: Turkish maps i and I to other letters, sorts them apart and writes 1,5 for 1.5. */
export const otherLocale = 'tr_TR.UTF-8';

export interface LocaleEnv {
  env: Record<string, string>;
  /** How the check names it in its lines. */
  label: string;
}

/**
 * The environment of a build in `otherLocale`, compiled with localedef into `dir`
 * (LOCPATH), so no locale need be installed on the host. Without Debian's locale
 * sources (package locales) it falls back to POSIX, and the label says why.
 */
export async function otherLocaleEnv(dir: string): Promise<LocaleEnv> {
  const [language, charset] = otherLocale.split('.') as [string, string];
  try {
    await access(join('/usr/share/i18n/locales', language));
    await execa('localedef', ['-i', language, '-f', charset, join(dir, otherLocale)]);
    return { env: { LOCPATH: dir, LANG: otherLocale, LC_ALL: otherLocale }, label: `LC_ALL=${otherLocale}` };
  } catch {
    return { env: { LANG: 'POSIX', LC_ALL: 'POSIX' }, label: `LC_ALL=POSIX (no ${otherLocale}: apt-get install locales)` };
  }
}
