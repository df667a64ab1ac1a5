import type { DeclaredLicense } from './sbom-model.ts';

/**
 * A Debian package's licenses from its copyright file, when that file is
 * machine-readable (DEP-5, "Format: …copyright-format/1.0/"): the short name on the
 * first line of each Files paragraph's License field (of the header's, when no Files
 * paragraph has one). A free-form copyright file says nothing a program can trust:
 * the license is then unknown (NOASSERTION), not guessed from the prose.
 */

/** The GNU licenses SPDX knows, as family-version: DEP-5 writes GPL-2, GPL-2+, and some packages SPDX's old GPL-2.0+. */
const gnuLicenses = new Set([
  'gpl-1.0',
  'gpl-2.0',
  'gpl-3.0',
  'lgpl-2.0',
  'lgpl-2.1',
  'lgpl-3.0',
  'agpl-3.0',
  'gfdl-1.1',
  'gfdl-1.2',
  'gfdl-1.3',
]);

/** DEP-5's other common short names (copyright-format 1.0, "License specification") and the SPDX ids they mean. */
const spdxIdOfShortName: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'bsd-2-clause': 'BSD-2-Clause',
    'bsd-3-clause': 'BSD-3-Clause',
    'bsd-4-clause': 'BSD-4-Clause',
    expat: 'MIT',
    mit: 'MIT',
    isc: 'ISC',
    zlib: 'Zlib',
    'apache-2.0': 'Apache-2.0',
    'mpl-1.1': 'MPL-1.1',
    'mpl-2.0': 'MPL-2.0',
    'cc0-1.0': 'CC0-1.0',
    x11: 'X11',
    openssl: 'OpenSSL',
    curl: 'curl',
  }),
);

/** The SPDX id a DEP-5 short name stands for, if it is one of the common ones. */
export function spdxIdOf(shortName: string): string | undefined {
  const name = shortName.trim().toLowerCase();
  const gnu = /^(a?gpl|lgpl|gfdl)-(\d)(?:\.(\d))?(\+)?$/.exec(name);
  if (gnu) {
    const [, family = '', major = '', minor = '0', later] = gnu;
    const known = `${family}-${major}.${minor}`;
    return gnuLicenses.has(known) ? `${known.toUpperCase()}${later ? '-or-later' : '-only'}` : undefined;
  }
  return spdxIdOfShortName.get(name);
}

/** A control-file paragraph's fields (continuation lines dropped: only first lines are read). */
function paragraphFields(paragraph: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of paragraph.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (match?.[1] !== undefined) fields.set(match[1].toLowerCase(), (match[2] ?? '').trim());
  }
  return fields;
}

export function isMachineReadableCopyright(text: string): boolean {
  const header = text.replaceAll('\r\n', '\n').split(/\n[ \t]*\n/)[0] ?? '';
  return /copyright-format\/1\.0|dep\.debian\.net\/deps\/dep5/i.test(paragraphFields(header).get('format') ?? '');
}

/** The short names a License field's first line holds: "GPL-2+ or Artistic" is two. */
function shortNames(value: string): string[] {
  return value
    .split(/\s+(?:or|and)\s+|,\s*/i)
    .map((name) => name.trim())
    .filter((name) => name !== '' && !/^with\b/i.test(name));
}

/** The licenses a copyright file declares (see the file comment), in the order they appear, each once. */
export function copyrightLicense(text: string | undefined): DeclaredLicense {
  if (text === undefined || !isMachineReadableCopyright(text)) return { kind: 'unknown' };
  const paragraphs = text
    .replaceAll('\r\n', '\n')
    .split(/\n[ \t]*\n/)
    .map(paragraphFields);
  const fromFiles = paragraphs.filter((fields) => fields.has('files')).map((fields) => fields.get('license') ?? '');
  const values = fromFiles.some((value) => value !== '') ? fromFiles : [paragraphs[0]?.get('license') ?? ''];
  const names = [...new Set(values.flatMap(shortNames))];
  if (names.length === 0) return { kind: 'unknown' };
  const licenses = names.map((name) => {
    const id = spdxIdOf(name);
    return id === undefined ? { name } : { id };
  });
  // Two short names may map to one id (Expat and MIT): keep each license once.
  const seen = new Set<string>();
  return {
    kind: 'licenses',
    licenses: licenses.filter((license) => {
      const key = 'id' in license ? `id:${license.id}` : `name:${license.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}
