import { z } from 'zod';
import { hostNameProblem, hostNameRule, maxHostLength, maxNodeNameLength } from './host-name.ts';
import { listenAddressProblem } from './listen-address.ts';

/**
 * The kernel arguments emb knows: one zod schema per key, the single definition of
 * what a valid value is and what it becomes (the typed value). A key added here is
 * known to the node too: its shell table, /lib/emb/known-args.sh, is generated from
 * this one (known-args-shell.ts). The value rules' twin is emb_cl_valid in
 * rootfiles/lib/emb/cmdline-values.sh; the differential test holds them together.
 * Every rule passes only ASCII, so it does not matter whether a value is checked as
 * bytes or as text.
 */

type ProblemOf = (value: string) => string | undefined;

function checkedString(problemOf: ProblemOf) {
  return z.string().superRefine((value, context) => {
    const problem = problemOf(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

const withHostRule = (what: string, problem: string | undefined): string | undefined =>
  problem ? `${what} ${problem} (${hostNameRule})` : undefined;

const nodeNameProblem: ProblemOf = (value) => withHostRule('the host name', hostNameProblem(value, maxNodeNameLength));

const nfsDirProblem: ProblemOf = (value) => {
  const colon = value.indexOf(':');
  if (colon < 0) return 'must be server:/path, e.g. nas.lan:/export/nodes';
  const path = value.slice(colon + 1);
  return (
    withHostRule('the server', hostNameProblem(value.slice(0, colon), maxHostLength)) ??
    (/[^A-Za-z0-9._/+-]/.test(path) ? 'the path may hold only letters, digits and . _ / + -' : undefined) ??
    (path.startsWith('/') ? undefined : 'the path must start with /')
  );
};

// BOINC reads the password from the first line of gui_rpc_auth.cfg.
const passwordProblem: ProblemOf = (value) =>
  /^[\x21-\x7e]{1,255}$/.test(value) ? undefined : 'must be 1-255 printable ASCII characters without spaces';

const remoteHostsProblem: ProblemOf = (value) => {
  const hosts = value.split(',');
  if (hosts.includes('')) return 'has an empty entry: write host1,host2';
  const bad = hosts.map((host) => hostNameProblem(host, maxHostLength)).find(Boolean);
  return withHostRule('an entry', bad);
};

const consulProblem: ProblemOf = (value) => {
  const parts = value.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return 'must be host:port, e.g. consul.lan:8500';
  const [host, port] = parts as [string, string];
  return (
    withHostRule('the host', hostNameProblem(host, maxHostLength)) ??
    (/^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535 ? undefined : 'the port must be 1-65535')
  );
};

// Whole seconds without a leading zero: the node's shell reads a leading 0 as octal.
const metricsIntervalProblem: ProblemOf = (value) =>
  /^[1-9][0-9]{0,3}$/.test(value) && Number(value) <= 3600 ? undefined : 'must be whole seconds from 1 to 3600, e.g. 5';

// Whole seconds, 1-600, without a leading zero (octal to the node's shell).
const storageWaitProblem: ProblemOf = (value) =>
  /^[1-9][0-9]{0,2}$/.test(value) && Number(value) <= 600 ? undefined : 'must be whole seconds from 1 to 600, e.g. 10';

export const knownArgSchemas = {
  'uebo.hostname': checkedString(nodeNameProblem),
  'uebo.nfsdir': checkedString(nfsDirProblem).transform((value) => ({
    server: value.slice(0, value.indexOf(':')),
    path: value.slice(value.indexOf(':') + 1),
  })),
  // The node has a local disk labelled storage that the kernel may find late (USB, SD):
  // /init waits up to this long for it. Without it /init looks once, when the boot
  // modules are loaded, and boots on without storage if no disk is there by then.
  'uebo.storage.wait': checkedString(storageWaitProblem).transform(Number),
  'uebo.boinc.password': checkedString(passwordProblem),
  'uebo.boinc.remote_hosts': checkedString(remoteHostsProblem).transform((value) => value.split(',')),
  'uebo.consul': checkedString(consulProblem).transform((value) => ({
    host: value.slice(0, value.indexOf(':')),
    port: Number(value.slice(value.indexOf(':') + 1)),
  })),
  // The address node_exporter and the BOINC exporter listen on, for this node: over the
  // board's metrics.listen (every address when neither says).
  'uebo.metrics.listen': checkedString(listenAddressProblem),
  'bee.nvidia.mode': z.enum(['normal', 'gsp-off', 'off'], { message: 'must be normal, gsp-off or off' }),
  // How often nvidia-metrics asks nvidia-smi for the GPUs' figures; 5 s when not given.
  'bee.nvidia.metrics_interval': checkedString(metricsIntervalProblem).transform(Number),
};

export const knownArgsSchema = z.object(knownArgSchemas).partial();
export type KnownArgs = z.infer<typeof knownArgsSchema>;
export type KnownKey = keyof typeof knownArgSchemas;

/** In the order results are reported (the shell parser's emb_cl_keys is made from it). */
export const knownKeys = Object.keys(knownArgSchemas) as KnownKey[];

/** Keys whose values must not be copied anywhere world-readable. */
export const secretKeys: ReadonlySet<string> = new Set<KnownKey>(['uebo.boinc.password']);

/** Namespaces whose unknown keys are typos worth a warning; others pass through. */
export function isEmbNamespace(key: string): boolean {
  return key.startsWith('uebo.') || key.startsWith('bee.');
}

export function isKnownKey(key: string): key is KnownKey {
  return Object.hasOwn(knownArgSchemas, key);
}

/** The /run/emb/bootargs variable for a key: a plain sh name, so each line is an assignment. */
export function bootargsVariable(key: KnownKey): string {
  return key.replaceAll('.', '_');
}
