import type { Board } from '../schema/board.ts';
import type { Layer } from './layers.ts';
import type { TreeEntry } from './tree-types.ts';

const file = (path: string, text: string, mode = 0o644): TreeEntry => ({ type: 'file', path, mode, uid: 0, gid: 0, data: Buffer.from(text) });

const dir = (path: string, mode: number): TreeEntry => ({ type: 'dir', path, mode, uid: 0, gid: 0 });

/**
 * Files made from the board and the build: identity, host name, module load list, and
 * root's authorized SSH keys when the build was given some (dropbear reads them; no
 * keys means no SSH login at all, as passwords are compiled out).
 */
export function generatedLayer(board: Board, parts: { kver: string; moduleLoadOrder: readonly string[]; optionalModules: string; embVersion: string; authorizedKeys?: string }): Layer {
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
      ...(parts.authorizedKeys ? [dir('/root', 0o700), dir('/root/.ssh', 0o700), file('/root/.ssh/authorized_keys', parts.authorizedKeys, 0o600)] : []),
    ],
  };
}
