import { knownArgsShell, knownArgsShellPath } from '../cmdline/known-args-shell.ts';
import type { Board } from '../schema/board.ts';
import { serviceSettingsFiles } from './service-settings-files.ts';
import { shadowFile } from './root-password.ts';
import type { Layer } from './layers.ts';
import type { TreeEntry } from './tree-types.ts';

const file = (path: string, text: string, mode = 0o644): TreeEntry => ({
  type: 'file',
  path,
  mode,
  uid: 0,
  gid: 0,
  data: Buffer.from(text),
});

const dir = (path: string, mode: number): TreeEntry => ({ type: 'dir', path, mode, uid: 0, gid: 0 });

/**
 * Files made from the board and the build: identity, host name, module load lists,
 * /etc/shadow, and root's authorized SSH keys when the build was given some (no keys
 * and no root password hash means no SSH login at all). With a root password hash,
 * /etc/emb/ssh-password-login tells the dropbear service to accept password logins.
 */
export function generatedLayer(
  board: Board,
  parts: {
    kver: string;
    moduleLoadOrder: readonly string[];
    optionalModules: string;
    embVersion: string;
    authorizedKeys?: string;
    rootPasswordHash?: string;
  },
): Layer {
  const osRelease = [
    'NAME="emb"',
    'ID=emb',
    `VERSION_ID=${parts.embVersion}`,
    `PRETTY_NAME="emb ${parts.embVersion} (${board.name})"`,
    `VARIANT_ID=${board.name}`,
    '',
  ].join('\n');
  return {
    name: 'generated',
    entries: [
      file('/etc/os-release', osRelease),
      file('/etc/hostname', `${board.hostname}\n`),
      file('/etc/emb/board', `${board.name}\n`),
      file('/etc/emb/kernel-release', `${parts.kver}\n`),
      file('/etc/emb/modules.load', parts.moduleLoadOrder.map((path) => `${path}\n`).join('')),
      file('/etc/emb/modules.optional', parts.optionalModules),
      file('/etc/shadow', shadowFile(parts.rootPasswordHash), 0o600),
      // The node's table of known kernel arguments, from the zod table (/init's parser sources it).
      file(knownArgsShellPath, knownArgsShell()),
      ...serviceSettingsFiles(board),
      ...(parts.rootPasswordHash
        ? [
            file(
              '/etc/emb/ssh-password-login',
              'root logs in with the password whose hash the build was given (emb build --root-password-hash)\n',
            ),
          ]
        : []),
      ...(parts.authorizedKeys
        ? [dir('/root', 0o700), dir('/root/.ssh', 0o700), file('/root/.ssh/authorized_keys', parts.authorizedKeys, 0o600)]
        : []),
    ],
  };
}
