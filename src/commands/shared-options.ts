import { Option } from 'commander';
import { z } from 'zod';

/** Options `emb build` and `emb package build` share, defined once. */
export const toolchainSchema = z.enum(['docker', 'host', 'auto']).optional();
export const jobsSchema = z.coerce.number().int().min(1).optional();

export function toolchainOption(): Option {
  return new Option('--toolchain <kind>', 'where to compile: docker, host, or auto (docker when an engine answers, else host; also EMB_TOOLCHAIN)').choices(['docker', 'host', 'auto']);
}

export function jobsOption(): Option {
  return new Option('-j, --jobs <n>', 'packages built at once, and make -j for each (default: the number of CPUs)');
}

export function offlineOption(): Option {
  return new Option('--offline', 'use only the download cache, never the network');
}
