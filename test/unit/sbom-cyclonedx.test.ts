import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { cycloneDxJson } from '../../src/sbom/cyclonedx.ts';
import type { SbomComponent, SbomDocument } from '../../src/sbom/sbom-model.ts';
import { cycloneDx15Errors } from '../helpers/cyclonedx-schema.ts';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

const component = (ref: string, fields: Partial<SbomComponent>): SbomComponent => ({
  ref,
  type: 'application',
  name: ref.split(':').pop() ?? ref,
  license: { kind: 'unknown' },
  downloadUrls: [],
  properties: [],
  dependsOn: [],
  ...fields,
});

/** A small image: one source package, one Debian import with its library, the kernel, a module and a firmware file. */
function sampleDocument(): SbomDocument {
  return {
    board: 'sample',
    arch: 'aarch64',
    image: { key: sha('image'), description: 'a sample board', files: [{ name: 'initramfs.zst', sha256: sha('initramfs') }] },
    mtime: 1_700_000_000,
    embVersion: '0.1.0',
    components: [
      component('package:busybox', {
        version: '1.37.0',
        license: { kind: 'expression', expression: 'GPL-2.0-only' },
        sha256: sha('busybox'),
        downloadUrls: ['https://busybox.invalid/busybox-1.37.0.tar.bz2'],
        properties: [['emb:source-kind', 'tarball']],
      }),
      component('package:openssl-headers', { version: '3.0.20', buildOnly: true, sha256: sha('libssl-dev deb') }),
      component('package:boinc-client', {
        version: '7.20.5',
        license: { kind: 'licenses', licenses: [{ name: 'MIT OR GPL-2.0-only (modules); proprietary (the rest)' }] },
        sha256: sha('boinc deb'),
        dependsOn: ['deb:boinc-client:arm64=7.20.5+dfsg-1.1', 'deb:libx11-6:arm64=2:1.8.4-2'],
      }),
      component('deb:boinc-client:arm64=7.20.5+dfsg-1.1', {
        version: '7.20.5+dfsg-1.1',
        license: { kind: 'licenses', licenses: [{ id: 'LGPL-3.0-or-later' }, { name: 'GFDL-NIV-1.2+' }] },
        sha256: sha('boinc deb'),
        purl: 'pkg:deb/debian/boinc-client@7.20.5%2Bdfsg-1.1?arch=arm64',
      }),
      component('deb:libx11-6:arm64=2:1.8.4-2', {
        type: 'library',
        version: '2:1.8.4-2',
        sha256: sha('libx11 deb'),
        purl: 'pkg:deb/debian/libx11-6@2%3A1.8.4-2?arch=arm64',
      }),
      component('kernel', {
        type: 'operating-system',
        name: 'linux-image-6.1.0-50-arm64',
        version: '6.1.176-1',
        license: { kind: 'expression', expression: 'GPL-2.0-only' },
        sha256: sha('kernel deb'),
        dependsOn: ['module:/lib/modules/6.1.0-50-arm64/kernel/drivers/block/loop.ko', 'firmware:/lib/firmware/a.bin'],
      }),
      component('module:/lib/modules/6.1.0-50-arm64/kernel/drivers/block/loop.ko', { type: 'device-driver', sha256: sha('loop') }),
      component('firmware:/lib/firmware/a.bin', { type: 'firmware', name: 'a.bin', sha256: sha('a.bin') }),
    ],
  };
}

describe('CycloneDX 1.5 rendering', () => {
  const errorsOf = cycloneDx15Errors();

  it('is valid against the vendored CycloneDX 1.5 schema', () => {
    assert.deepEqual(errorsOf(JSON.parse(cycloneDxJson(sampleDocument()))), []);
  });

  it('the schema check can fail: a bad license id and a short hash are reported', () => {
    const bom = JSON.parse(cycloneDxJson(sampleDocument()));
    bom.components[3].licenses = [{ license: { id: 'Not-An-SPDX-Id' } }];
    bom.components[0].hashes = [{ alg: 'SHA-256', content: 'abc' }];
    const errors = errorsOf(bom);
    assert.ok(
      errors.some((line) => line.startsWith('/components/3/licenses/0/license/id')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((line) => line.startsWith('/components/0/hashes/0/content')),
      errors.join('\n'),
    );
  });

  it('gives the same bytes for the same image: no clock, no random serial number', () => {
    const once = cycloneDxJson(sampleDocument());
    assert.equal(cycloneDxJson(sampleDocument()), once);
    const bom = JSON.parse(once);
    assert.equal(bom.metadata.timestamp, '2023-11-14T22:13:20Z');
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const changed = sampleDocument();
    changed.image.key = sha('another image');
    assert.notEqual(JSON.parse(cycloneDxJson(changed)).serialNumber, bom.serialNumber);
  });

  it('renders licenses, hashes, package URLs and download URLs where known, nothing where unknown', () => {
    const byRef = new Map<string, Record<string, unknown>>(
      JSON.parse(cycloneDxJson(sampleDocument())).components.map((entry: Record<string, unknown>) => [entry['bom-ref'], entry]),
    );
    assert.deepEqual(byRef.get('package:busybox')?.licenses, [{ expression: 'GPL-2.0-only' }]);
    assert.deepEqual(byRef.get('package:busybox')?.externalReferences, [
      { type: 'distribution', url: 'https://busybox.invalid/busybox-1.37.0.tar.bz2' },
    ]);
    assert.deepEqual(byRef.get('package:boinc-client')?.licenses, [
      { license: { name: 'MIT OR GPL-2.0-only (modules); proprietary (the rest)' } },
    ]);
    assert.deepEqual(byRef.get('deb:boinc-client:arm64=7.20.5+dfsg-1.1')?.licenses, [
      { license: { id: 'LGPL-3.0-or-later' } },
      { license: { name: 'GFDL-NIV-1.2+' } },
    ]);
    assert.equal(byRef.get('deb:libx11-6:arm64=2:1.8.4-2')?.licenses, undefined);
    assert.equal(byRef.get('package:openssl-headers')?.scope, 'excluded');
    assert.equal(byRef.get('package:busybox')?.scope, undefined);
    assert.deepEqual(byRef.get('firmware:/lib/firmware/a.bin')?.hashes, [{ alg: 'SHA-256', content: sha('a.bin') }]);
  });

  it('makes the image depend on what nothing else ships, and every dependency name a component', () => {
    const bom = JSON.parse(cycloneDxJson(sampleDocument()));
    const refs = new Set<string>(bom.components.map((entry: Record<string, string>) => entry['bom-ref']));
    const image = bom.dependencies.find((entry: { ref: string }) => entry.ref === 'image');
    assert.deepEqual(image.dependsOn, ['package:busybox', 'package:openssl-headers', 'package:boinc-client', 'kernel']);
    for (const { ref, dependsOn } of bom.dependencies as Array<{ ref: string; dependsOn: string[] }>) {
      assert.ok(ref === 'image' || refs.has(ref), `dependency ref ${ref} names no component`);
      for (const target of dependsOn) assert.ok(refs.has(target), `${ref} depends on ${target}, which is no component`);
    }
  });
});
