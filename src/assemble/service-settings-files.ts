import type { Board } from '../schema/board.ts';
import type { TreeEntry } from './tree-types.ts';

/** Where the console service looks: present means a root shell, absent a login (the safe side). */
export const consoleRootShellPath = '/etc/emb/console-root-shell';

/** The exporters' listening address when the board gives one (the services read it; a node's uebo.metrics.listen wins). */
export const metricsListenPath = '/etc/emb/metrics-listen';

const file = (path: string, text: string): TreeEntry => ({ type: 'file', path, mode: 0o644, uid: 0, gid: 0, data: Buffer.from(text) });

/**
 * The board's settings for its runit services, as files under /etc/emb: the console's
 * shell (rootfiles/etc/sv/console/run) and the exporters' listening address
 * (rootfiles/lib/emb/metrics-listen.sh).
 */
export function serviceSettingsFiles(board: Board): TreeEntry[] {
  return [
    ...(board.console.shell === 'root'
      ? [
          file(
            consoleRootShellPath,
            `the serial console gives a root shell without a password (board ${board.name}: console.shell 'root')\n`,
          ),
        ]
      : []),
    ...(board.metrics ? [file(metricsListenPath, `${board.metrics.listen}\n`)] : []),
  ];
}
