/**
 * The Debian packages a debian-binary import used, read back from the identity the
 * fetch stage recorded in the manifest ("debian:name:arch=version@sha256,…",
 * src/fetch/choose-source.ts): what the build actually imported, whatever today's
 * apt index or a lock file says.
 */
export interface ImportedDeb {
  name: string;
  debianArch: string;
  version: string;
  sha256: string;
}

const entryPattern = /^([a-z0-9][a-z0-9+.-]*):([a-z0-9-]+)=([^@,]+)@([0-9a-f]{64})$/;

/** The packages of a `debian:` identity, in the recipe's order (the binary's own first); undefined for any other identity. */
export function importedDebs(identity: string): ImportedDeb[] | undefined {
  if (!identity.startsWith('debian:')) return undefined;
  return identity
    .slice('debian:'.length)
    .split(',')
    .map((entry) => {
      const match = entryPattern.exec(entry);
      if (!match) throw new Error(`internal: a Debian import identity entry "${entry}" does not parse`);
      const [, name = '', debianArch = '', version = '', sha256 = ''] = match;
      return { name, debianArch, version, sha256 };
    });
}

/** A source tarball's sha256 from a `tarball:` identity; undefined for any other. */
export function tarballSha256(identity: string): string | undefined {
  return /^tarball:([0-9a-f]{64})$/.exec(identity)?.[1];
}

/** The package URL of a Debian binary package (purl spec: the version percent-encoded, epoch included). */
export function debianPurl(deb: Pick<ImportedDeb, 'name' | 'version' | 'debianArch'>): string {
  return `pkg:deb/debian/${deb.name}@${encodeURIComponent(deb.version)}?arch=${deb.debianArch}`;
}
