/**
 * What never reaches the image: headers, static and libtool archives, pkg-config,
 * docs, man and info pages. The old distro split these into separate tarballs; an
 * initramfs has no use for them, so they are dropped at collection time.
 */
const droppedPrefixes = ['/usr/include', '/usr/share/man', '/usr/share/doc', '/usr/share/info', '/usr/lib/pkgconfig', '/usr/share/pkgconfig', '/usr/share/lintian', '/usr/share/bug'];
const droppedSuffixes = ['.a', '.la', '.h', '.pc'];

export function isRuntimePath(path: string): boolean {
  if (droppedPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  if (/\/lib\/[^/]+\/pkgconfig(\/|$)/.test(path)) return false;
  return !droppedSuffixes.some((suffix) => path.endsWith(suffix));
}
