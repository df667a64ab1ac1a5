import { knownValueProblem } from '../cmdline/parse-cmdline.ts';

/**
 * The secrets a build or a PXE node can be given as files (emb build --secret NAME=FILE,
 * an inventory node's secrets:): each lands in the image as a root-only file under
 * /etc/emb/secrets, read by the service that needs it, instead of travelling on the
 * kernel command line (/proc/cmdline is world-readable on the node).
 */

/** Where the secrets live on the node: a root-only folder (0700). */
export const secretsDir = '/etc/emb/secrets';

export interface SecretKind {
  /** The file on the node (0600, root:root). */
  path: string;
  /** The command-line key that carries the same value the less safe way. */
  cmdlineKey: 'uebo.boinc.password';
  /** What the secret is, for messages. */
  what: string;
}

export const secretKinds = {
  'boinc-password': {
    path: `${secretsDir}/boinc-password`,
    cmdlineKey: 'uebo.boinc.password',
    what: "BOINC's GUI RPC password",
  },
} as const satisfies Record<string, SecretKind>;

export type SecretName = keyof typeof secretKinds;

export const secretNames = Object.keys(secretKinds) as SecretName[];

export function isSecretName(name: string): name is SecretName {
  return Object.hasOwn(secretKinds, name);
}

/** undefined when `value` is a valid value of the secret, else what is wrong (the command-line key's own rule). */
export function secretValueProblem(name: SecretName, value: string): string | undefined {
  return knownValueProblem(secretKinds[name].cmdlineKey, value);
}
