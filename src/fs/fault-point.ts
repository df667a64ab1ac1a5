/**
 * A named place where a test may freeze emb, to kill it there for real. With
 * EMB_FAULT_PAUSE=<name> the process prints "EMB-FAULT-PAUSED <name>" on stderr and
 * waits (at most ten minutes); unset, this returns at once. It exists so the crash
 * tests (test/e2e/kill-points.test.ts) hit each moment every time instead of racing
 * for it. The points, in the order a build reaches them:
 *
 * - fetch: download-stream (a source's body still streaming into its temp file),
 *   apt-download (apt-get download done, the .debs not yet checked and renamed in);
 * - package builds: deb-extract (a Debian package unpacked for an import),
 *   package-compile (a make step running), artifact-write (half a cache tar written),
 *   artifact-meta (an entry's metadata written, its runtime tar not yet);
 * - kernel: kernel-extract (the kernel package unpacked, not renamed in), kernel, dtb,
 *   modules (after each step of the kernel stage);
 * - image: assemble, squashfs (the read-only layer made, not renamed in),
 *   packed-layer-write (a compressed layer about to be cached), pack (before packing),
 *   pack-frame (a layer's frame written to the initramfs);
 * - dist/<board> (src/pipeline/dist-output.ts, src/fs/generations.ts): dist-file (after
 *   each file of the new generation), manifest, dist-swap (the generation complete, the
 *   link not moved), dist-swapped (moved, the old generation not yet removed),
 *   dist-aside (a real folder moved aside, the link not yet in its place);
 * - emb pxe's tree (src/pxe/write-tree.ts): pxe-tree-file, pxe-tree-state,
 *   pxe-tree-swap, pxe-tree-swapped, pxe-tree-aside, as for dist/.
 */
export async function faultPoint(name: string): Promise<void> {
  if (process.env.EMB_FAULT_PAUSE !== name) return;
  process.stderr.write(`EMB-FAULT-PAUSED ${name}\n`);
  await new Promise((resolve) => setTimeout(resolve, 600_000));
}
