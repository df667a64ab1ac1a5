/**
 * The text of emb's private apt configuration, from the host's apt sources: the same
 * Debian mirror and suites, with the components the host may not list (contrib,
 * non-free, non-free-firmware), so emb can fetch a package such as raspi-firmware
 * without touching /etc/apt. Pure functions of strings: src/fetch/private-apt.ts does
 * the reading, writing and running.
 */

/** One `deb` source of the host, as apt reads it (deb822 stanza or one-line entry). */
export interface AptSource {
  uris: string[];
  suites: string[];
  /** The keyring that checks its Release file, when the source names one (a path, or an inline key's lines). */
  signedBy?: string;
}

/** What emb adds to every Debian source: all of the archive's components. */
export const privateComponents = ['main', 'contrib', 'non-free', 'non-free-firmware'] as const;
/** The arches emb fetches packages for: the host's own and the two ARM targets. */
export const privateArchitectures = ['amd64', 'arm64', 'armhf'] as const;

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((word) => word !== '');
}

/** The fields of one deb822 stanza by lower-case name; continuation lines kept, joined by "\n". */
function deb822Fields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of stanza.split('\n')) {
    if (line.startsWith('#')) continue;
    if (/^\s/.test(line) && last !== undefined) {
      fields.set(last, `${fields.get(last) ?? ''}\n${line}`);
      continue;
    }
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (match?.[1] === undefined) continue;
    last = match[1].toLowerCase();
    fields.set(last, (match[2] ?? '').trim());
  }
  return fields;
}

/** The `deb` sources of a deb822 .sources file (Enabled: no and deb-src skipped). */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = deb822Fields(stanza);
    if (!words(fields.get('types')).includes('deb')) continue;
    if (/^(no|false|0)$/i.test(fields.get('enabled') ?? '')) continue;
    const signedBy = fields.get('signed-by');
    sources.push({
      uris: words(fields.get('uris')),
      suites: words(fields.get('suites')),
      ...(signedBy ? { signedBy } : {}),
    });
  }
  return sources;
}

/** The `deb` lines of a one-line sources.list: `deb [opt=value …] uri suite component…`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[2] === undefined || match[3] === undefined) continue;
    const signedBy = words(match[1])
      .map((option) => /^signed-by=(.+)$/i.exec(option)?.[1])
      .find((value) => value !== undefined);
    sources.push({ uris: [match[2]], suites: [match[3]], ...(signedBy ? { signedBy } : {}) });
  }
  return sources;
}

/** A Debian archive (deb.debian.org/debian, …/debian-security, a mirror, snapshot.debian.org/archive/debian/…), not a third party's. */
export function isDebianArchiveUri(uri: string): boolean {
  try {
    return new URL(uri).pathname.split('/').some((segment) => segment === 'debian' || segment === 'debian-security');
  } catch {
    return false;
  }
}

/**
 * The host's Debian sources, one per archive URI and keyring, with every suite the host
 * lists for it (bookworm bookworm-updates; bookworm-security), sorted so the same host
 * always gives the same text.
 */
export function debianSourcesOf(sources: readonly AptSource[]): AptSource[] {
  const byArchive = new Map<string, AptSource>();
  for (const source of sources) {
    for (const uri of source.uris.filter(isDebianArchiveUri)) {
      const normal = uri.replace(/\/+$/, '');
      const key = `${normal}\0${source.signedBy ?? ''}`;
      const known = byArchive.get(key) ?? { uris: [normal], suites: [], ...(source.signedBy ? { signedBy: source.signedBy } : {}) };
      for (const suite of source.suites) if (!known.suites.includes(suite)) known.suites.push(suite);
      byArchive.set(key, known);
    }
  }
  return [...byArchive.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, source]) => source);
}

/** emb's sources file (deb822): the host's Debian archives and suites, all components, emb's arches. */
export function privateSourcesText(sources: readonly AptSource[]): string {
  const stanzas = sources.map((source) =>
    [
      'Types: deb',
      `URIs: ${source.uris.join(' ')}`,
      `Suites: ${source.suites.join(' ')}`,
      `Components: ${privateComponents.join(' ')}`,
      `Architectures: ${privateArchitectures.join(' ')}`,
      ...(source.signedBy ? [`Signed-By: ${source.signedBy}`] : []),
    ].join('\n'),
  );
  return `# Written by emb from the host's apt sources: rewritten by every run, do not edit.\n\n${stanzas.join('\n\n')}\n`;
}

/**
 * The host's proxy settings, from `apt-config dump`: the only part of the host's apt
 * configuration emb keeps. Its apt.conf.d also holds hooks (docker-clean, appstream,
 * packagekit) that must not run on emb's private update.
 */
export function proxyLinesIn(aptConfigDump: string): string[] {
  return aptConfigDump.split('\n').filter((line) => /^Acquire::(?:https?|ftp)::Proxy(?:::[^\s"]+)? "[^"\n]*";$/.test(line));
}

/** A string for apt's configuration syntax: refused when it could end the value early. */
function quoted(value: string): string {
  if (/["\n]/.test(value)) throw new Error(`internal: ${JSON.stringify(value)} cannot be written into an apt configuration`);
  return `"${value}"`;
}

export interface PrivateAptLayout {
  /** The private configuration's folder: everything apt reads or writes for emb is in it. */
  dir: string;
  /** The user apt downloads as: the one running emb (apt's _apt user cannot enter a private cache). */
  sandboxUser: string;
  proxyLines: readonly string[];
}

/**
 * The file APT_CONFIG names. It sets every directory apt uses, so nothing of the host's
 * apt changes (its lists, archives, status, sources, preferences, apt.conf.d); only the
 * keyrings are the host's, so signatures are checked as the host's apt checks them.
 */
export function privateAptConf(layout: PrivateAptLayout): string {
  const { dir } = layout;
  const lines = [
    "// Written by emb: its private apt configuration (APT_CONFIG). The host's /etc/apt is only read.",
    `Dir::Etc::main ${quoted('/dev/null')};`,
    `Dir::Etc::parts ${quoted(`${dir}/apt.conf.d`)};`,
    `Dir::Etc::sourcelist ${quoted('/dev/null')};`,
    `Dir::Etc::sourceparts ${quoted(`${dir}/sources.list.d`)};`,
    `Dir::Etc::preferences ${quoted('/dev/null')};`,
    `Dir::Etc::preferencesparts ${quoted(`${dir}/preferences.d`)};`,
    `Dir::Etc::trusted ${quoted('/etc/apt/trusted.gpg')};`,
    `Dir::Etc::trustedparts ${quoted('/etc/apt/trusted.gpg.d')};`,
    `Dir::State ${quoted(`${dir}/state`)};`,
    `Dir::State::lists ${quoted(`${dir}/lists`)};`,
    `Dir::State::status ${quoted(`${dir}/status`)};`,
    `Dir::Cache ${quoted(`${dir}/cache`)};`,
    `Dir::Log ${quoted(`${dir}/log`)};`,
    `APT::Architectures { ${privateArchitectures.map((arch) => `${quoted(arch)};`).join(' ')} };`,
    `APT::Sandbox::User ${quoted(layout.sandboxUser)};`,
    '// Packages indexes only, kept compressed: no translations, no DEP-11 or Contents.',
    `Acquire::Languages ${quoted('none')};`,
    `Acquire::GzipIndexes ${quoted('true')};`,
    ...(layout.proxyLines.length > 0 ? ["// The host's proxy.", ...layout.proxyLines] : []),
  ];
  return `${lines.join('\n')}\n`;
}
