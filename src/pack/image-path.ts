/**
 * Paths inside the image, as TreeEntry holds them: absolute ("/etc/hostname"), no
 * trailing slash, "/" for the root itself.
 */

export const ROOT_PATH = '/';

/**
 * Throws unless `path` is a clean absolute image path. Anything else could name a file
 * outside the intended spot once the kernel (or cpio -i) resolves it.
 */
export function assertCleanImagePath(path: string): void {
  if (!path.startsWith('/')) {
    throw new Error(`image path "${path}" is relative; image paths start with "/" (e.g. "/etc/hostname")`);
  }
  if (path === ROOT_PATH) return;
  if (path.includes('\0')) {
    throw new Error(`image path ${JSON.stringify(path)} contains a NUL byte; remove it`);
  }
  for (const component of path.slice(1).split('/')) {
    if (component === '..' || component === '.') {
      throw new Error(`image path "${path}" contains "${component}"; write the path without it`);
    }
    if (component === '') {
      throw new Error(`image path "${path}" has an empty component (a doubled or trailing "/"); remove it`);
    }
  }
}

/** The directory holding `path` ("/etc" for "/etc/hostname", "/" for "/etc"). */
export function parentImagePath(path: string): string {
  const lastSlash = path.lastIndexOf('/');
  return lastSlash <= 0 ? ROOT_PATH : path.slice(0, lastSlash);
}

/** The name newc stores: the image path without its leading slash. */
export function archiveName(path: string): string {
  return path.slice(1);
}

/**
 * Orders paths by their UTF-8 bytes, so the order does not depend on locale or on
 * JavaScript's UTF-16 comparison. A path sorts after each of its prefixes, so every
 * directory comes before what it holds.
 */
export function compareImagePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
