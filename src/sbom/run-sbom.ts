import { writeFileAtomic } from '../fs/atomic.ts';
import { collectSbom, type SbomInput } from './collect-sbom.ts';
import { cycloneDxJson } from './cyclonedx.ts';
import type { SbomComponent } from './sbom-model.ts';

export interface SbomResult {
  /** The CycloneDX 1.5 JSON text. */
  json: string;
  /** How many components of each kind: "12 packages, 14 Debian packages, …". */
  summary: string;
}

function countOf(components: readonly SbomComponent[], prefix: string): number {
  return components.filter((component) => component.ref.startsWith(prefix)).length;
}

/** The SBOM of dist/<board>, written atomically to `outFile` when one is given. */
export async function runSbom(input: SbomInput & { outFile?: string }): Promise<SbomResult> {
  const document = await collectSbom(input);
  const json = cycloneDxJson(document);
  if (input.outFile !== undefined) await writeFileAtomic(input.outFile, json);
  const { components } = document;
  const summary = [
    `${countOf(components, 'package:')} packages`,
    `${countOf(components, 'deb:')} Debian packages`,
    `kernel ${document.components.find((component) => component.ref === 'kernel')?.name ?? '?'}`,
    `${countOf(components, 'module:')} modules`,
    `${countOf(components, 'firmware:')} firmware files`,
    ...(countOf(components, 'gpu:') > 0 ? [`GPU driver ${components.find((component) => component.ref.startsWith('gpu:'))?.name}`] : []),
  ].join(', ');
  return { json, summary };
}
