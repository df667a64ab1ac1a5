import { EmbError } from '../errors.ts';
import type { MergedLayers, PlacedEntry } from './layers.ts';
import type { FileEntry, TreeEntry } from './tree-types.ts';

/** Where /init mounts the read-only layer; a moved file's link points at its path under it. */
export const readOnlyMountPoint = '/usr/lib/emb-ro';
/** The squashfs image in the initramfs. */
export const readOnlyImagePath = '/lib/emb/ro.squashfs';
/** The layer (cpio member) that carries the squashfs and its mount point. */
export const readOnlyLayerName = 'read-only';

/**
 * Packages /init runs before it mounts the layer (the shell, mount, insmod and the C
 * library they load) or that runit needs to start: in the squashfs they would be
 * links to nowhere at the moment they are needed.
 */
const earlyBootPackages = new Set(['busybox', 'runit', 'glibc', 'libgcc', 'libxcrypt']);

/** A file that moves: where it was in the tree, with its bytes and mode. */
export interface MovedFile {
  entry: FileEntry;
  layer: string;
}

export interface ReadOnlySplit {
  /** The tree with every moved file replaced by a link into the mount point, in the same layer. */
  image: MergedLayers;
  /** The files for the squashfs, sorted by path (their paths stay the image's). */
  moved: MovedFile[];
}

/**
 * Whether a file of a read-only package moves: regular files owned by root (the
 * squashfs is made with -all-root), not /etc (configuration the runtime may edit in
 * place: a link there would point into a read-only mount).
 */
function moves(entry: TreeEntry): entry is FileEntry {
  return entry.type === 'file' && entry.uid === 0 && entry.gid === 0 && !entry.path.startsWith('/etc/');
}

/** The link that takes a moved file's place: absolute, so it resolves from any folder. */
export function readOnlyLinkTarget(path: string): string {
  return `${readOnlyMountPoint}${path}`;
}

/**
 * Split the merged tree: the regular files of `packages` leave it for the squashfs
 * and links into the mount point take their places, layer and all. A package the image
 * does not hold, or one /init needs before the mount, is the board's mistake: one line.
 */
export function splitReadOnly(image: MergedLayers, packages: readonly string[], boardName: string): ReadOnlySplit {
  for (const name of packages) {
    if (earlyBootPackages.has(name)) {
      throw new EmbError(
        `board ${boardName}: readOnlyLayer.packages names ${name}, which /init runs before the read-only layer is mounted`,
        `remove ${name} from readOnlyLayer.packages`,
      );
    }
    if (!image.layerOrder.includes(name)) {
      throw new EmbError(
        `board ${boardName}: readOnlyLayer.packages names ${name}, which is not in the image`,
        `the image's packages are ${image.layerOrder.filter((layer) => !['base', 'kernel-modules', 'rootfiles', 'generated'].includes(layer)).join(', ')}`,
      );
    }
  }
  const chosen = new Set(packages);
  const entries = new Map<string, PlacedEntry>();
  const moved: MovedFile[] = [];
  for (const [path, placed] of image.entries) {
    const { entry, layer } = placed;
    if (chosen.has(layer) && moves(entry)) {
      moved.push({ entry, layer });
      entries.set(path, { layer, entry: { type: 'symlink', path, mode: 0o777, uid: 0, gid: 0, target: readOnlyLinkTarget(path) } });
    } else {
      entries.set(path, placed);
    }
  }
  moved.sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0));
  return { image: { ...image, entries }, moved };
}

/**
 * Add the squashfs and its mount point (and any missing parent) to the tree, in a layer
 * of their own after every other: their parents are then in it or an earlier one.
 */
export function addReadOnlyImage(image: MergedLayers, squashfs: FileEntry['data']): MergedLayers {
  const entries = new Map(image.entries);
  const dir = (path: string): void => {
    if (!entries.has(path)) entries.set(path, { layer: readOnlyLayerName, entry: { type: 'dir', path, mode: 0o755, uid: 0, gid: 0 } });
  };
  for (const path of ['/usr', '/usr/lib', readOnlyMountPoint, '/lib', '/lib/emb']) dir(path);
  entries.set(readOnlyImagePath, {
    layer: readOnlyLayerName,
    entry: { type: 'file', path: readOnlyImagePath, mode: 0o444, uid: 0, gid: 0, data: squashfs },
  });
  return { ...image, entries, layerOrder: [...image.layerOrder, readOnlyLayerName] };
}
