/**
 * Where each installed file goes. The old distro split a package into bin, lib, dev
 * and doc tarballs; emb keeps two: `runtime` (what reaches the image) and `dev`
 * (headers, static and libtool archives, pkg-config files: the sysroot of recipes
 * that depend on this one). Docs, man and info pages, locale data and bug-report
 * scripts are dropped: an initramfs lives in RAM.
 */
export type OutputClass = 'runtime' | 'dev' | 'drop';

const devPrefixes = ['/usr/include', '/include', '/usr/lib/pkgconfig', '/usr/share/pkgconfig', '/usr/share/aclocal'];
const devSuffixes = ['.a', '.la', '.h', '.pc'];
const droppedPrefixes = [
  '/usr/share/man',
  '/usr/share/doc',
  '/usr/share/info',
  '/usr/share/locale',
  '/usr/share/lintian',
  '/usr/share/bug',
  '/usr/man',
  '/usr/doc',
  '/usr/info',
];

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

export function classifyOutput(path: string): OutputClass {
  if (droppedPrefixes.some((prefix) => isUnder(path, prefix))) return 'drop';
  if (devPrefixes.some((prefix) => isUnder(path, prefix))) return 'dev';
  if (/\/lib\/[^/]+\/pkgconfig(\/|$)/.test(path)) return 'dev';
  if (devSuffixes.some((suffix) => path.endsWith(suffix))) return 'dev';
  return 'runtime';
}

export function isDevPath(path: string): boolean {
  return classifyOutput(path) === 'dev';
}
