import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';

/** The docker build context: the Dockerfile and the package lists it installs. */
export const toolchainContextDir = join(projectRoot, 'toolchain');
export const toolchainImageName = 'emb-toolchain';
/** What `FROM` in toolchain/Dockerfile names; `emb toolchain base` makes it with debootstrap. */
export const baseImageReference = 'debian:bookworm';

/** The lists the image installs; host-only.list and test.list are for the host alone. */
export const imageLists = ['aarch64.list', 'amd64.list', 'armhf.list', 'common.list'];

/** The files `docker build` reads: the Dockerfile and the image's package lists (sorted, relative). */
export async function toolchainImageInputs(dir = toolchainContextDir): Promise<string[]> {
  const lists = (await readdir(join(dir, 'packages'))).filter((name) => imageLists.includes(name)).sort();
  return ['Dockerfile', ...lists.map((name) => `packages/${name}`)];
}

/**
 * emb-toolchain:<12 hex>: a sha256 over the names and bytes of the image inputs. An
 * edited Dockerfile or package list gives a new tag, so an image built from older
 * inputs is never taken for the current one; `emb toolchain build` makes the new one.
 */
export async function toolchainImageTag(dir = toolchainContextDir): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await toolchainImageInputs(dir)) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(dir, file)));
    hash.update('\0');
  }
  return `${toolchainImageName}:${hash.digest('hex').slice(0, 12)}`;
}
