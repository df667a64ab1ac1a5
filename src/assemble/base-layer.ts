import type { Layer } from './layers.ts';
import type { TreeEntry } from './tree-types.ts';

const dir = (path: string, mode = 0o755): TreeEntry => ({ type: 'dir', path, mode, uid: 0, gid: 0 });
const char = (path: string, mode: number, major: number, minor: number): TreeEntry => ({
  type: 'char',
  path,
  mode,
  uid: 0,
  gid: 0,
  major,
  minor,
});

/**
 * The skeleton every image has. /dev/console and /dev/null are written into the
 * archive itself: the kernel opens /dev/console for /init before devtmpfs is mounted.
 */
export function baseLayer(): Layer {
  return {
    name: 'base',
    entries: [
      dir('/bin'),
      dir('/sbin'),
      dir('/usr'),
      dir('/usr/bin'),
      dir('/usr/sbin'),
      dir('/lib'),
      dir('/etc'),
      dir('/dev'),
      char('/dev/console', 0o600, 5, 1),
      char('/dev/null', 0o666, 1, 3),
      dir('/proc', 0o555),
      dir('/sys', 0o555),
      dir('/run'),
      dir('/tmp', 0o1777),
      dir('/root', 0o700),
      dir('/var'),
      dir('/var/log'),
      dir('/mnt'),
      dir('/storage'),
    ],
  };
}
