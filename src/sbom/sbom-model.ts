/**
 * What an SBOM says about one image, before any format: the components and who ships
 * what. cyclonedx.ts renders it; nothing here knows a format's field names.
 */

/**
 * A component's license as declared: an SPDX expression (a recipe's `license`), a list
 * of names (a Debian copyright file's License: fields, SPDX ids where they map), or
 * unknown (no machine-readable copyright file).
 */
export type DeclaredLicense =
  | { kind: 'expression'; expression: string }
  | { kind: 'licenses'; licenses: Array<{ id: string } | { name: string }> }
  | { kind: 'unknown' };

export type ComponentType = 'application' | 'library' | 'operating-system' | 'device-driver' | 'firmware' | 'file';

export interface SbomComponent {
  /** Unique within the document; other components' dependsOn name it. */
  ref: string;
  type: ComponentType;
  name: string;
  version?: string;
  description?: string;
  license: DeclaredLicense;
  sha256?: string;
  /** A package URL (Debian packages: pkg:deb/debian/…). */
  purl?: string;
  /** Where the source or package can be downloaded. */
  downloadUrls: string[];
  /** emb's own facts (layer, arch, source kind, image path…), as sorted name/value pairs. */
  properties: Array<[string, string]>;
  /**
   * A build input with no file in the image (openssl-headers: headers other packages
   * were compiled against): listed, as CycloneDX's scope "excluded".
   */
  buildOnly?: boolean;
  /** Refs of the components this one ships or is made of. */
  dependsOn: string[];
}

export interface SbomDocument {
  board: string;
  arch: string;
  /** The image: the manifest's image key, its initramfs and kernel files with their sha256. */
  image: { key: string; description: string; files: Array<{ name: string; sha256: string }> };
  /** The archive mtime every file of the image carries (seconds): the document's timestamp. */
  mtime: number;
  embVersion: string;
  components: SbomComponent[];
}
