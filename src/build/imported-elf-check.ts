import { posix } from 'node:path';
import { ElfFormatError, readDynamicNeeded, readElfHeader, readInterpreter } from '../elf/index.ts';
import { EmbError } from '../errors.ts';
import { hasControlCharacter } from '../fetch/archive-entry-check.ts';

/**
 * What an imported binary asks the dynamic loader for, checked before emb looks for
 * it. emb finds each name inside the unpacked packages by joining it to a folder: a
 * DT_NEEDED of "../../etc/shadow" or a PT_INTERP of "/lib/../../x" would make that
 * lookup (and the copy into the image) reach the build host's own files. The loader
 * itself treats a DT_NEEDED with a slash as a path from the working directory, which
 * no packaged binary needs.
 */
export interface LoaderRequests {
  /** e_machine, for the caller's check against the arch. */
  machine: number;
  interpreter?: string;
  needed: string[];
}

const hint = 'the binary is not what a Debian package ships: check the package and the repository it came from';

function plainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !hasControlCharacter(name) && name.length <= 255;
}

function cleanAbsolutePath(path: string): boolean {
  return path.startsWith('/') && posix.normalize(path) === path && !path.split('/').includes('..') && !hasControlCharacter(path);
}

/** The machine, interpreter and DT_NEEDED names of an ELF file of `pkg`, or one line naming the first that is not a plain name. */
export function loaderRequestsOf(bytes: Buffer, imagePath: string, pkg: string, recipeName: string): LoaderRequests {
  let requests: LoaderRequests;
  try {
    requests = {
      machine: readElfHeader(bytes, imagePath).machine,
      interpreter: readInterpreter(bytes, imagePath),
      needed: readDynamicNeeded(bytes, imagePath),
    };
  } catch (error) {
    if (!(error instanceof ElfFormatError)) throw error;
    throw new EmbError(`${recipeName}: ${imagePath} from ${pkg}: ${error.message}`, hint);
  }
  if (requests.interpreter !== undefined && !cleanAbsolutePath(requests.interpreter)) {
    throw new EmbError(
      `${recipeName}: ${imagePath} from ${pkg} has the program interpreter (PT_INTERP) ${JSON.stringify(requests.interpreter)}, not a plain absolute path`,
      hint,
    );
  }
  const odd = requests.needed.find((name) => !plainFileName(name));
  if (odd !== undefined) {
    throw new EmbError(
      `${recipeName}: ${imagePath} from ${pkg} needs the library (DT_NEEDED) ${JSON.stringify(odd)}, not a plain file name`,
      hint,
    );
  }
  return requests;
}
