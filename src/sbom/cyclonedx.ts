import { sha256Hex } from '../fs/hash.ts';
import type { DeclaredLicense, SbomComponent, SbomDocument } from './sbom-model.ts';

/** The image itself: metadata.component, which every top-level component is a dependency of. */
const imageRef = 'image';

type Json = Record<string, unknown>;

/** CycloneDX's licenses: one SPDX expression, or a list of licenses by id or name; absent when unknown. */
function licensesOf(license: DeclaredLicense): Json[] | undefined {
  switch (license.kind) {
    case 'expression':
      return [{ expression: license.expression }];
    case 'licenses':
      return license.licenses.map((entry) => ({ license: entry }));
    case 'unknown':
      return undefined;
  }
}

function componentJson(component: SbomComponent): Json {
  return {
    type: component.type,
    'bom-ref': component.ref,
    name: component.name,
    version: component.version,
    description: component.description,
    scope: component.buildOnly ? 'excluded' : undefined,
    licenses: licensesOf(component.license),
    hashes: component.sha256 ? [{ alg: 'SHA-256', content: component.sha256 }] : undefined,
    purl: component.purl,
    externalReferences:
      component.downloadUrls.length > 0 ? component.downloadUrls.map((url) => ({ type: 'distribution', url })) : undefined,
    properties: component.properties.map(([name, value]) => ({ name, value })),
  };
}

/** A UUID (RFC 4122 layout, version 5 bits) from a sha256: the same document always gets the same serial number. */
function uuidFromHash(hex: string): string {
  const bytes = Buffer.from(hex.slice(0, 32), 'hex');
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The SBOM as CycloneDX 1.5 JSON. Nothing in it depends on when or where it was made:
 * the timestamp is the image's archive mtime, the serial number a hash of the rest,
 * so the same image always gives the same bytes.
 */
export function cycloneDxJson(document: SbomDocument): string {
  const topLevel = document.components.filter((component) => !document.components.some((other) => other.dependsOn.includes(component.ref)));
  const body = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      timestamp: new Date(document.mtime * 1000).toISOString().replace(/\.000Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: 'emb', version: document.embVersion }] },
      component: {
        type: 'operating-system',
        'bom-ref': imageRef,
        name: `emb-${document.board}`,
        version: document.image.key,
        description: document.image.description,
        properties: [
          { name: 'emb:board', value: document.board },
          { name: 'emb:arch', value: document.arch },
          ...document.image.files.map((file) => ({ name: `emb:file:${file.name}:sha256`, value: file.sha256 })),
        ],
      },
    },
    components: document.components.map(componentJson),
    dependencies: [
      { ref: imageRef, dependsOn: topLevel.map((component) => component.ref) },
      ...document.components
        .filter((component) => component.dependsOn.length > 0)
        .map((component) => ({ ref: component.ref, dependsOn: component.dependsOn })),
    ],
  };
  const bodyText = JSON.stringify(body);
  const { bomFormat, specVersion, ...rest } = body;
  const ordered = { bomFormat, specVersion, serialNumber: `urn:uuid:${uuidFromHash(sha256Hex(bodyText))}`, ...rest };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
