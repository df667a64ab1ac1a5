import { copyFile, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { isElf } from '../elf/index.ts';
import { EmbError } from '../errors.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { archPathVariables, type ArchInfo } from '../plan/arch-info.ts';
import { loaderRequestsOf } from './imported-elf-check.ts';
import { expandVariables } from './step-env.ts';
import type { DebianBinarySource } from '../schema/recipe.ts';
import { faultPoint } from '../fs/fault-point.ts';

/** Unpacked trees of the binary's package and of the packages that may hold its libraries. */
interface PackageTree {
  name: string;
  root: string;
}

/**
 * An image path inside a tree on disk. The path is made absolute and normalised first,
 * so ".." stops at the tree's root as it does at the image's: no name a package or a
 * binary holds can make a lookup or a copy reach the build host's files.
 */
function inTree(root: string, imagePath: string): string {
  return join(root, posix.normalize(`/${imagePath}`));
}

/**
 * lstat, not fs/exists's access(): a package's absolute symlinks (/lib/ld-linux-*.so.1)
 * would otherwise be followed into the build host's own /lib.
 */
async function isPresent(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Where the dynamic loader looks, for the arch's multiarch layout. */
function librarySearchDirs(info: ArchInfo): string[] {
  return [`/lib/${info.triplet}`, `/usr/lib/${info.triplet}`, '/lib', '/usr/lib'];
}

/**
 * Copy `imagePath` from `tree` into `destDir`, following symlinks inside the tree so
 * that both the link and what it points at arrive (ld-linux's /lib link, say).
 */
async function copyWithLinks(tree: PackageTree, imagePath: string, destDir: string, seen: Set<string>): Promise<void> {
  if (seen.has(imagePath)) return;
  seen.add(imagePath);
  const from = inTree(tree.root, imagePath);
  const to = inTree(destDir, imagePath);
  const info = await lstat(from).catch(() => undefined);
  if (info === undefined) {
    throw new EmbError(
      `Debian package ${tree.name}: a symlink in it leads to ${imagePath}, which it does not ship`,
      'the package is broken or not what Debian ships: check the repository it came from',
    );
  }
  await mkdir(dirname(to), { recursive: true });
  if (info.isSymbolicLink()) {
    const target = await readlink(from);
    await rm(to, { force: true });
    await symlink(target, to);
    const resolved = target.startsWith('/') ? target : posix.join(posix.dirname(imagePath), target);
    await copyWithLinks(tree, posix.normalize(resolved), destDir, seen);
    return;
  }
  if (!info.isFile()) {
    throw new EmbError(
      `Debian package ${tree.name}: ${imagePath} is a folder, not a file`,
      "list the files to take in the recipe's binaries or files, one by one",
    );
  }
  await copyFile(from, to);
}

async function findLibrary(
  trees: readonly PackageTree[],
  soname: string,
  info: ArchInfo,
): Promise<{ tree: PackageTree; path: string } | undefined> {
  for (const tree of trees) {
    for (const dir of librarySearchDirs(info)) {
      const path = `${dir}/${soname}`;
      if (await isPresent(inTree(tree.root, path))) return { tree, path };
    }
  }
  return undefined;
}

async function findPath(trees: readonly PackageTree[], path: string): Promise<PackageTree | undefined> {
  for (const tree of trees) if (await isPresent(inTree(tree.root, path))) return tree;
  return undefined;
}

/**
 * Take the named binaries from a Debian package and exactly the shared libraries they
 * need: the DT_NEEDED closure plus the program interpreter, found in the given library
 * packages, not the package's whole Depends tree.
 */
export async function importDebianBinaries(
  recipeName: string,
  source: DebianBinarySource,
  debs: { pkg: string; file: string }[],
  info: ArchInfo,
  destDir: string,
  workRoot: string,
  /** The dependencies' files (the sysroot): a library found here is theirs, not copied again. */
  providedRoot?: string,
): Promise<{ binaries: string[]; libraries: string[]; provided: string[] }> {
  const work = await mkdtemp(join(workRoot, '.tmp-import-'));
  try {
    const trees: PackageTree[] = [];
    for (const deb of debs) {
      const root = join(work, deb.pkg);
      await mkdir(root);
      await extractDebianPackage(deb.file, root, `${recipeName} (Debian package ${deb.pkg})`);
      await faultPoint('deb-extract');
      trees.push({ name: deb.pkg, root });
    }
    const main = trees[0];
    if (main === undefined) throw new Error(`internal: ${recipeName}: no Debian package to import from`);
    const copied = new Set<string>();
    const libraries: string[] = [];
    const pending: { from: string; needed: string }[] = [];
    const queueNeedsOf = async (tree: PackageTree, imagePath: string): Promise<void> => {
      const bytes = await readFile(inTree(tree.root, imagePath));
      if (!isElf(bytes)) return;
      const { machine, interpreter, needed: names } = loaderRequestsOf(bytes, imagePath, tree.name, recipeName);
      if (machine !== info.elfMachine) {
        throw new EmbError(
          `${recipeName}: ${imagePath} from ${tree.name} is ELF machine ${machine}, not ${info.arch}`,
          `check that the Debian package is for ${info.debianArch}`,
        );
      }
      if (interpreter) pending.push({ from: imagePath, needed: interpreter });
      for (const needed of names) pending.push({ from: imagePath, needed });
    };
    const variables = archPathVariables(info);
    const binaries = source.binaries.map((path) => expandVariables(path, variables));
    const files = source.files.map((path) => expandVariables(path, variables));
    for (const path of [...binaries, ...files]) {
      if (!(await isPresent(inTree(main.root, path)))) {
        throw new EmbError(
          `${recipeName}: ${path} is not in Debian package ${source.package}`,
          "fix the binaries or files list of the recipe (dpkg-deb -c shows the package's files)",
        );
      }
      await copyWithLinks(main, path, destDir, copied);
    }
    for (const binary of binaries) await queueNeedsOf(main, await realPathInTree(main, binary));
    const resolved = new Set<string>();
    const provided: string[] = [];
    const providedTree = providedRoot ? { name: "the recipe's dependencies", root: providedRoot } : undefined;
    for (let next = pending.shift(); next; next = pending.shift()) {
      if (resolved.has(next.needed)) continue;
      resolved.add(next.needed);
      if (providedTree) {
        const fromDependency = next.needed.startsWith('/')
          ? await isPresent(inTree(providedTree.root, next.needed))
          : (await findLibrary([providedTree], next.needed, info)) !== undefined;
        if (fromDependency) {
          provided.push(next.needed);
          continue;
        }
      }
      const found = next.needed.startsWith('/')
        ? await findPath(trees, next.needed).then((tree) => (tree ? { tree, path: next.needed } : undefined))
        : await findLibrary(trees, next.needed, info);
      if (!found) {
        throw new EmbError(
          `${recipeName}: ${next.from} needs ${next.needed}, which neither the recipe's dependencies nor ${trees.map((tree) => tree.name).join(', ')} ship`,
          'add the recipe that provides it to dependencies, or the Debian package that ships it to libraryPackages',
        );
      }
      await copyWithLinks(found.tree, found.path, destDir, copied);
      libraries.push(found.path);
      const real = await realPathInTree(found.tree, found.path);
      await queueNeedsOf(found.tree, real);
    }
    return { binaries, libraries: libraries.sort(), provided: provided.sort() };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Follow symlinks inside a package tree (never out of it) to the file they name. */
async function realPathInTree(tree: PackageTree, imagePath: string): Promise<string> {
  let path = imagePath;
  for (let hops = 0; hops < 16; hops++) {
    const info = await lstat(inTree(tree.root, path)).catch(() => undefined);
    if (info === undefined) {
      throw new EmbError(
        `${tree.name}: ${imagePath} leads to ${path}, which the package does not ship`,
        'the package is broken or not what Debian ships: check the repository it came from',
      );
    }
    if (!info.isSymbolicLink()) return path;
    const target = await readlink(inTree(tree.root, path));
    path = posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(path), target));
  }
  throw new EmbError(`${tree.name}: too many symlinks at ${imagePath}`, 'the package looks broken; run apt-get update');
}
