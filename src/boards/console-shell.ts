import type { LoadedBoard } from '../plan/load-board.ts';
import type { Board, ConsoleShell } from '../schema/board.ts';

/** The board with its console's shell replaced by a build's choice (emb build --console-shell), or as it is. */
export function withConsoleShell(loaded: LoadedBoard, shell: ConsoleShell | undefined): LoadedBoard {
  if (shell === undefined || shell === loaded.board.console.shell) return loaded;
  return { ...loaded, board: { ...loaded.board, console: { ...loaded.board.console, shell } } };
}

/** Hash kinds busybox's login checks (its own crypt: MD5, SHA-256, SHA-512; emb refuses MD5). */
const loginCheckable = /^\$[56]\$/;

/**
 * Why a console that asks for root's password will give no shell although the build
 * has a password: busybox's login cannot check a yescrypt or bcrypt hash (dropbear,
 * which links libxcrypt, can). undefined when the console works as the board says.
 */
export function consoleLoginProblem(board: Board, rootPasswordHash: string | undefined): string | undefined {
  if (board.console.shell !== 'login' || rootPasswordHash === undefined || loginCheckable.test(rootPasswordHash)) return undefined;
  return (
    `board ${board.name}'s console asks for root's password (console.shell 'login'), but busybox's login checks only ` +
    'SHA-256 and SHA-512 hashes and this one is not: the console will give no shell (SSH still takes the password); ' +
    'give a hash from `openssl passwd -6`, or build with --console-shell root'
  );
}
