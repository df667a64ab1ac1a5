import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectRoot } from '../../src/paths.ts';

/** The vendored CycloneDX 1.5 schema and the two it refers to (test/fixtures/sbom-schema/README.md). */
export const sbomSchemaDir = join(projectRoot, 'test', 'fixtures', 'sbom-schema');

const readSchema = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(sbomSchemaDir, name), 'utf8'));

// ajv-formats is CommonJS with a default export; under ESM it arrives as the module object.
const formats = addFormatsModule as unknown as { default?: (ajv: Ajv) => Ajv };
const addFormats = formats.default ?? (addFormatsModule as unknown as (ajv: Ajv) => Ajv);

/** A validator of CycloneDX 1.5 JSON: its errors as "path: message" lines, [] when the document is valid. */
export function cycloneDx15Errors(): (document: unknown) => string[] {
  // strict: false — the schema uses keywords ajv's strict mode refuses (meta:enum, $comment placement).
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Two formats the schema uses that ajv-formats lacks, checked as closely as a line allows.
  ajv.addFormat('iri-reference', (value: string) => !/\s/.test(value) && URL.canParse(value, 'http://base.invalid/'));
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/);
  // The bom schema's $refs are relative to its $id, http://cyclonedx.org/schema/.
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema(readSchema(name), `http://cyclonedx.org/schema/${name}`);
  }
  const validate = ajv.compile(readSchema('bom-1.5.SNAPSHOT.schema.json'));
  return (document) =>
    validate(document) ? [] : (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'}: ${error.message}`);
}

/** The SPDX license ids the schema accepts as a license's `id`. */
export function spdxLicenseIds(): Set<string> {
  return new Set((readSchema('spdx.SNAPSHOT.schema.json') as { enum: string[] }).enum);
}
