import { posix } from 'node:path';

/** What a request's URL asks for: a file of the tree by its relative path, or a refusal with its HTTP status. */
export type TreeRequest = { kind: 'file'; path: string } | { kind: 'refused'; status: 400 | 403 | 404; why: string };

/**
 * The tree path a request URL names, judged before the file system is touched: the
 * path is percent-decoded first, so an encoded '..' (%2e%2e, %2f) is caught like a
 * plain one. A '..' segment is refused (403); dot-names, which are emb's own state
 * (.emb-pxe.json) and work in progress (.tmp-*), are not served (404); nor is the
 * root or a directory (no listings). Symlinks are the server's to check, by realpath.
 */
export function treeRequestPath(url: string): TreeRequest {
  const rawPath = url.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return { kind: 'refused', status: 400, why: 'not an absolute path' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'refused', status: 400, why: 'bad percent-encoding' };
  }
  if (path.includes('\0')) return { kind: 'refused', status: 400, why: 'NUL in the path' };
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..')) return { kind: 'refused', status: 403, why: "'..' in the path" };
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'refused', status: 404, why: 'not served (dot-name)' };
  if (segments.length === 0 || path.endsWith('/')) return { kind: 'refused', status: 404, why: 'no directory listings' };
  return { kind: 'file', path: posix.normalize(segments.join('/')) };
}
