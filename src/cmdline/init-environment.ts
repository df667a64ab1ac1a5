import { fromByteString, type KernelWord, splitCommandLine, toByteString } from './kernel-words.ts';

/**
 * What of a kernel command line reaches init (Linux 6.1 init/main.c,
 * unknown_bootoption() and set_init_arg()), and the limits past which the kernel
 * panics ("Too many boot env vars at `…'", "Too many boot init vars at `…'"):
 * - a word before "--" that the kernel does not take itself goes to init: with '=' into
 *   its environment, without into its arguments; a key with a '.' is a module
 *   parameter and goes nowhere, nor do BOOT_IMAGE=… and kexec;
 * - envp_init holds HOME=/ and TERM=linux first and has MAX_INIT_ENVS + 2 slots, so
 *   31 more distinct names fit (a name given again replaces its slot); argv_init holds
 *   "init" first in MAX_INIT_ARGS + 2 slots, so 32 arguments fit, those after "--"
 *   included. MAX_INIT_* is CONFIG_INIT_ENV_ARG_LIMIT, 32 in Debian's and emb's kernels.
 * The kernel's own parameters are too many to list: the few below are the ones emb's
 * boards and users pass; any other word is counted, so a count may be high, never low.
 */

export const initEnvArgLimit = 32;
/** Distinct names init's environment takes besides HOME and TERM. */
export const maxInitEnvNames = initEnvArgLimit + 1 - 2;
/** Arguments init's argv takes besides its own name. */
export const maxInitArgs = initEnvArgLimit;

/** Parameters the kernel takes itself (core and __setup/early ones): they never reach init. */
const kernelParameters = new Set([
  'console',
  'earlycon',
  'earlyprintk',
  'panic',
  'loglevel',
  'quiet',
  'debug',
  'ignore_loglevel',
  'root',
  'rootfstype',
  'rootwait',
  'rootdelay',
  'ro',
  'rw',
  'init',
  'rdinit',
  'initrd',
  'ip',
  'nfsroot',
  'mem',
  'maxcpus',
  'nosmp',
  'nr_cpus',
  'cma',
  'cgroup_enable',
  'cgroup_disable',
  'cgroup_no_v1',
  'swiotlb',
  'iommu',
  'noapic',
  'nokaslr',
  'kaslr',
  'mitigations',
  'lockdown',
  'module_blacklist',
  'initcall_blacklist',
  'net.ifnames',
]);

/**
 * Variables that change what every program init starts does: the dynamic loader's
 * (a library loaded into every program, another search path), the shells' start-up
 * files, the C library's loadable modules and resolver settings.
 */
const riskyVariables = new Set([
  'ENV',
  'BASH_ENV',
  'IFS',
  'PATH',
  'SHELLOPTS',
  'PS4',
  'GCONV_PATH',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'RES_OPTIONS',
  'NLSPATH',
  'TMPDIR',
]);

function isRiskyVariable(name: string): boolean {
  return riskyVariables.has(name) || name.startsWith('LD_') || name.startsWith('MALLOC_') || name.startsWith('GLIBC_TUNABLES');
}

function reachesInit(word: KernelWord): boolean {
  if (word.key.includes('.') || kernelParameters.has(word.key)) return false;
  return !(word.key === 'kexec' || word.key.startsWith('BOOT_IMAGE'));
}

export interface InitInputs {
  /** Distinct names that go into init's environment, in order. */
  environment: string[];
  /** Init's arguments: bare words, then the words after "--". */
  arguments: string[];
}

/** The names and arguments a command line hands to init (a byte string, one char per byte). */
export function initInputs(bytes: string): InitInputs {
  const split = splitCommandLine(bytes);
  const environment: string[] = [];
  const args: string[] = [];
  for (const word of split.kernel.filter(reachesInit)) {
    if (word.value === null) args.push(word.key);
    else if (!environment.includes(word.key) && word.key !== 'HOME' && word.key !== 'TERM') environment.push(word.key);
  }
  for (const word of split.init) args.push(word.value === null ? word.key : `${word.key}=${word.value}`);
  return { environment, arguments: args };
}

export interface InitWarning {
  code: 'init-limit' | 'environment';
  key: string;
  message: string;
}

/** What the kernel would panic on, or what init's environment should not carry; empty when all is well. */
export function initWarnings(cmdline: string): InitWarning[] {
  const inputs = initInputs(toByteString(cmdline));
  const warnings: InitWarning[] = [];
  const environment = inputs.environment.map(fromByteString);
  if (environment.length > maxInitEnvNames) {
    warnings.push({
      code: 'init-limit',
      key: environment[maxInitEnvNames] ?? '',
      message: `${environment.length} key=value words reach init's environment; the kernel takes ${maxInitEnvNames} besides HOME and TERM and panics ("Too many boot env vars") at this one`,
    });
  }
  if (inputs.arguments.length > maxInitArgs) {
    warnings.push({
      code: 'init-limit',
      key: fromByteString(inputs.arguments[maxInitArgs] ?? ''),
      message: `${inputs.arguments.length} words reach init's arguments; the kernel takes ${maxInitArgs} and panics ("Too many boot init vars") at this one`,
    });
  }
  for (const name of environment.filter(isRiskyVariable)) {
    warnings.push({
      code: 'environment',
      key: name,
      message: `reaches init's environment and every program it starts (a key without a '.' that the kernel does not know): ${name.startsWith('LD_') || name === 'GLIBC_TUNABLES' ? 'the dynamic loader acts on it in every program' : 'it changes how every shell or program behaves'}; remove it`,
    });
  }
  return warnings;
}

/** The first warning a build must refuse (the node would panic), as one line; undefined when none. */
export function initLimitProblem(cmdline: string): string | undefined {
  return initWarnings(cmdline).find((warning) => warning.code === 'init-limit')?.message;
}
