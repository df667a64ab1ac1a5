import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { zstdCompressSync } from 'node:zlib';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';
import { debianPurl, importedDebs, tarballSha256 } from '../../src/sbom/debian-identity.ts';
import { copyrightLicense, spdxIdOf } from '../../src/sbom/dep5-license.ts';
import { regularFileHashes } from '../../src/sbom/image-file-hashes.ts';
import { declaredLicense } from '../../src/sbom/recipe-license.ts';
import { spdxLicenseIds } from '../helpers/cyclonedx-schema.ts';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('Debian import identities (what the build recorded in manifest.json)', () => {
  it('gives each package with its arch, version (epoch and all) and sha256, the binary first', () => {
    const identity = `debian:boinc-client:arm64=7.20.5+dfsg-1.1@${sha('a')},libx11-6:arm64=2:1.8.4-2+deb12u2@${sha('b')}`;
    assert.deepEqual(importedDebs(identity), [
      { name: 'boinc-client', debianArch: 'arm64', version: '7.20.5+dfsg-1.1', sha256: sha('a') },
      { name: 'libx11-6', debianArch: 'arm64', version: '2:1.8.4-2+deb12u2', sha256: sha('b') },
    ]);
  });

  it('is undefined for a tarball identity, which gives its sha256 instead', () => {
    assert.equal(importedDebs(`tarball:${sha('t')}`), undefined);
    assert.equal(tarballSha256(`tarball:${sha('t')}`), sha('t'));
    assert.equal(tarballSha256(`debian:libc6:arm64=2.36-9@${sha('c')}`), undefined);
  });

  it('makes package URLs with the version percent-encoded (epoch colon, plus, tilde kept)', () => {
    assert.equal(
      debianPurl({ name: 'libx11-6', version: '2:1.8.4-2+deb12u2', debianArch: 'arm64' }),
      'pkg:deb/debian/libx11-6@2%3A1.8.4-2%2Bdeb12u2?arch=arm64',
    );
    assert.equal(
      debianPurl({ name: 'libssl3', version: '3.0.20-1~deb12u2', debianArch: 'armhf' }),
      'pkg:deb/debian/libssl3@3.0.20-1~deb12u2?arch=armhf',
    );
  });
});

const dep5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example
Source: https://example.invalid/

Files: *
Copyright: 2001 Someone
License: GPL-2+

Files: lib/*
Copyright: 2002 Someone Else
License: LGPL-2.1+ or BSD-3-clause
 An indented continuation line: License: MIT is prose here, not a field.

Files: debian/*
License: Expat

License: GPL-2+
 The full text of the GPL, version 2 or later.

License: Expat
 Permission is hereby granted…
`;

describe('Debian copyright files (DEP-5)', () => {
  it("takes each Files paragraph's license once, as SPDX ids where they map", () => {
    assert.deepEqual(copyrightLicense(dep5), {
      kind: 'licenses',
      licenses: [{ id: 'GPL-2.0-or-later' }, { id: 'LGPL-2.1-or-later' }, { id: 'BSD-3-Clause' }, { id: 'MIT' }],
    });
  });

  it('keeps a short name SPDX does not know as a name', () => {
    const text = dep5.replace('License: Expat\n\nLicense: GPL', 'License: GFDL-NIV-1.2+\n\nLicense: GPL');
    const license = copyrightLicense(text);
    assert.equal(license.kind, 'licenses');
    assert.ok(license.kind === 'licenses' && license.licenses.some((entry) => 'name' in entry && entry.name === 'GFDL-NIV-1.2+'));
  });

  it('uses the header paragraph when no Files paragraph names a license', () => {
    const text = 'Format: http://dep.debian.net/deps/dep5\nLicense: Zlib\n\nFiles: *\nCopyright: 1995 Jean-loup Gailly\n';
    assert.deepEqual(copyrightLicense(text), { kind: 'licenses', licenses: [{ id: 'Zlib' }] });
  });

  it('says unknown (NOASSERTION) for a free-form file or none at all, rather than guessing from prose', () => {
    const freeForm = 'This is the Debian GNU/Linux prepackaged version of the GNU C Library.\n\nLicense: LGPL-2.1+ appears in prose.\n';
    assert.deepEqual(copyrightLicense(freeForm), { kind: 'unknown' });
    assert.deepEqual(copyrightLicense(undefined), { kind: 'unknown' });
  });

  it('maps only to ids the vendored SPDX list has', () => {
    const known = spdxLicenseIds();
    const names = [
      'GPL-1',
      'GPL-2',
      'GPL-2+',
      'GPL-2.0+',
      'GPL-3+',
      'LGPL-2',
      'LGPL-2.1',
      'LGPL-3+',
      'AGPL-3',
      'GFDL-1.3+',
      'BSD-2-clause',
      'BSD-4-clause',
      'Expat',
      'ISC',
      'Zlib',
      'Apache-2.0',
      'MPL-1.1',
      'MPL-2.0',
      'CC0-1.0',
      'X11',
      'OpenSSL',
      'curl',
    ];
    for (const name of names) {
      const id = spdxIdOf(name);
      assert.ok(id !== undefined && known.has(id), `spdxIdOf(${name}) = ${id}, want an id of the SPDX list`);
    }
    assert.equal(spdxIdOf('GPL-4'), undefined);
    assert.equal(spdxIdOf('public-domain'), undefined);
  });
});

describe("recipe licenses (a recipe's license field)", () => {
  it('passes an SPDX expression through', () => {
    for (const text of [
      'GPL-2.0-only',
      'GPL-3.0-or-later WITH GCC-exception-3.1',
      'GPL-2.0-or-later AND LGPL-2.0-or-later AND BSD-3-Clause AND MIT',
      '(MIT OR Apache-2.0) AND Zlib',
    ]) {
      assert.deepEqual(declaredLicense(text), { kind: 'expression', expression: text });
    }
  });

  it('keeps prose as a license name instead of a broken expression', () => {
    const prose = 'MIT OR GPL-2.0-only (kernel modules); NVIDIA proprietary (nvidia-smi, libraries, firmware)';
    assert.deepEqual(declaredLicense(prose), { kind: 'licenses', licenses: [{ name: prose }] });
    assert.equal(declaredLicense('MIT OR').kind, 'licenses');
    assert.equal(declaredLicense('(MIT').kind, 'licenses');
  });
});

describe("the image's file hashes (modules and firmware, read from the cpio layers)", () => {
  const entry = (path: string, data: string): TreeEntry => ({ type: 'file', path, mode: 0o644, uid: 0, gid: 0, data: Buffer.from(data) });
  const dirs = ['/etc', '/lib', '/lib/firmware', '/lib/modules', '/lib/modules/6.1.0', '/lib/modules/6.1.0/kernel'].map(
    (path): TreeEntry => ({ type: 'dir', path, mode: 0o755, uid: 0, gid: 0 }),
  );

  it('hashes the wanted regular files of every layer; a later layer wins', () => {
    const first = writeNewcArchive(
      [
        ...dirs,
        entry('/lib/modules/6.1.0/kernel/loop.ko', 'old loop'),
        entry('/lib/firmware/a.bin', 'firmware a'),
        entry('/etc/hostname', 'node'),
      ],
      { mtime: 0 },
    );
    const second = writeNewcArchive(
      [
        entry('/lib/modules/6.1.0/kernel/loop.ko', 'new loop'),
        { type: 'symlink', path: '/lib/firmware/b.bin', target: 'a.bin', mode: 0o777, uid: 0, gid: 0 },
      ],
      // The packer never repeats a path across layers; the kernel (and the reader) let the later one win all the same.
      { mtime: 0, earlier: (path) => dirs.find((dir) => dir.path === path) },
    );
    // One zstd frame per layer, as the packer writes them.
    const image = Buffer.concat([zstdCompressSync(first), zstdCompressSync(second)]);
    const hashes = regularFileHashes(image, (path) => path.startsWith('/lib/'));
    assert.deepEqual(Object.fromEntries(hashes), {
      '/lib/modules/6.1.0/kernel/loop.ko': sha('new loop'),
      '/lib/firmware/a.bin': sha('firmware a'),
    });
  });

  it('refuses bytes that are not newc records', () => {
    assert.throws(() => regularFileHashes(Buffer.from('not a cpio archive'), () => true), /newc/);
  });
});
