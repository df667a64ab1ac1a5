import { Option } from 'commander';
import { z } from 'zod';

/** Options `emb build` and `emb package build` share, defined once. */
export const toolchainSchema = z.enum(['docker', 'host', 'auto']).optional();
export const jobsSchema = z.coerce.number().int().min(1).optional();

export function toolchainOption(): Option {
  return new Option(
    '--toolchain <kind>',
    'where to compile: docker, host, or auto (docker when an engine answers, else host; also EMB_TOOLCHAIN)',
  ).choices(['docker', 'host', 'auto']);
}

export function jobsOption(): Option {
  return new Option('-j, --jobs <n>', 'packages built at once (default: about the square root of the CPU count)');
}

export function makeJobsOption(): Option {
  return new Option('--make-jobs <n>', 'make -j for each package (default: CPUs divided by --jobs, so the two together fit the CPU count)');
}

export function offlineOption(): Option {
  return new Option('--offline', 'use only the download cache, never the network');
}

export function lockedOption(): Option {
  return new Option('--locked', 'fail if a Debian package is not pinned in emb.lock, instead of pinning it (also EMB_LOCKED=1)');
}
