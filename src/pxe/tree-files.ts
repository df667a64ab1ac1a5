/** One file of a PXE tree: its path in the tree and where its bytes come from. */
export type TreeFile =
  | { path: string; kind: 'text'; text: string }
  /**
   * A file copied from a build in dist/ (kernel, DTB, initramfs). `key` names its content
   * (the build's image key and the file), so a rewrite of a tree of big files reads none of them.
   */
  | { path: string; kind: 'copy'; from: string; key: string }
  /** A file made by a program into the temp path it is given (mkimage). */
  | { path: string; kind: 'made'; key: string; make: (tempPath: string) => Promise<void> }
  /**
   * A file that holds a node's secrets: written 0600, and compared byte for byte (no
   * content key is recorded: .emb-pxe.json is world-readable, and a hash of a password
   * can be guessed against). `bytes` is called only when the file is written or compared.
   */
  | { path: string; kind: 'private'; bytes: () => Promise<Buffer> };

/**
 * The order files are written in: what nodes share first, each node's own config
 * last, so a node that boots mid-update finds its config only once everything it
 * points at is in place.
 */
export type TreeFileGroup = 'shared' | 'node';
