import { defineRecipe } from '../../src/define.ts';

/**
 * crypt(3), for password checks: bookworm's glibc is built without libcrypt, and
 * libxcrypt's libcrypt.so.1 (Debian package libcrypt1) is the one Debian links against.
 * Only dropbear needs it, and only so that a build can allow password logins
 * (`emb build --root-password-hash`); the declaration of crypt() is in glibc's unistd.h.
 */
export default defineRecipe({
  name: 'libxcrypt',
  version: '4.4.33',
  license: 'LGPL-2.1-or-later',
  description: 'Password hashing library (libcrypt.so.1)',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['glibc'],
  checks: [{ command: 'ls -L /lib/${TRIPLET}/libcrypt.so.1', expect: 'libcrypt' }],
  sources: [{ kind: 'debian-binary', package: 'libcrypt1', binaries: ['/lib/${TRIPLET}/libcrypt.so.1'] }],
});
