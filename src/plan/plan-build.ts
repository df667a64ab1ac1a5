import { readAuthorizedKeys } from '../assemble/authorized-keys.ts';
import { readRootPasswordHash } from '../assemble/root-password.ts';
import { withConsoleShell } from '../boards/console-shell.ts';
import { EmbError } from '../errors.ts';
import type { ConsoleShell } from '../schema/board.ts';
import { kernelProviderFor, type ResolvedKernel } from '../kernel/kernel-provider.ts';
import { selectToolchain, type SelectedToolchain, type ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { verifyBuildHost } from '../toolchain/verify-build-host.ts';
import { archInfoOf, type ArchInfo } from './arch-info.ts';
import { loadBoard, shownPath, type LoadedBoard } from './load-board.ts';
import { loadGpuDriver, type LoadedGpuDriver } from '../gpu/load-gpu-driver.ts';
import { readSigningKey, type SigningKey } from '../gpu/module-signing.ts';
import { planPackageNodes, type PackageNode } from './package-plan.ts';

export interface PlanInput {
  board: string;
  cacheRoot: string;
  toolchain?: ToolchainChoice;
  authorizedKeysFile?: string;
  rootPasswordHashFile?: string;
  /** The console's shell instead of the board's console.shell (emb build --console-shell). */
  consoleShell?: ConsoleShell;
  /** A PEM key (and its certificate, unless the key file holds it) to sign a GPU board's modules with. */
  moduleSigningKeyFile?: string;
  moduleSigningCertFile?: string;
}

/** The plan stage's output: everything later stages need, checked before any work. */
export interface BuildPlan {
  loadedBoard: LoadedBoard;
  info: ArchInfo;
  packages: PackageNode[];
  toolchain: SelectedToolchain;
  kernel: ResolvedKernel;
  /** root's authorized_keys, as read and checked. */
  authorizedKeys?: string;
  /** root's crypt(3) hash, as read and checked. */
  rootPasswordHash?: string;
  /** A GPU board's driver (board.gpu), loaded and checked. */
  gpuDriver?: LoadedGpuDriver;
  signingKey?: SigningKey;
}

/**
 * The plan stage: load the board and its recipes, resolve the package graph and the
 * kernel, choose the toolchain and check the host can use it. Bad input (board,
 * recipe, key or hash file) fails here, before anything is fetched or built.
 */
export async function planBuild(input: PlanInput): Promise<BuildPlan> {
  const loadedBoard = withConsoleShell(await loadBoard(input.board), input.consoleShell);
  const { board } = loadedBoard;
  const authorizedKeys = input.authorizedKeysFile ? await readAuthorizedKeys(input.authorizedKeysFile) : undefined;
  const rootPasswordHash = input.rootPasswordHashFile ? await readRootPasswordHash(input.rootPasswordHashFile) : undefined;
  if (board.ssh.passwordLogin && !rootPasswordHash) {
    throw new EmbError(
      `board ${board.name} allows SSH password logins (ssh.passwordLogin) but the build has no root password`,
      'add --root-password-hash FILE (a hash from `mkpasswd -m yescrypt`), or set ssh.passwordLogin to false',
    );
  }
  const gpuDriver = await loadGpuDriver(board, shownPath(loadedBoard.file));
  if (gpuDriver !== undefined && board.kernel.provider !== 'debian') {
    throw new EmbError(
      `board ${board.name} (${shownPath(loadedBoard.file)}): a GPU driver is built against Debian's linux-headers, but kernel.provider is "${board.kernel.provider}"`,
      "use kernel: { provider: 'debian', … } on a GPU board",
    );
  }
  if (input.moduleSigningCertFile !== undefined && input.moduleSigningKeyFile === undefined) {
    throw new EmbError(
      '--module-signing-cert was given without --module-signing-key',
      'give both, or the key file alone when it holds the certificate too',
    );
  }
  if (input.moduleSigningKeyFile !== undefined && gpuDriver === undefined) {
    throw new EmbError(
      `--module-signing-key: board ${board.name} has no GPU driver, so there are no modules to sign`,
      'drop the option, or build a GPU board (emb boards lists them)',
    );
  }
  const signingKey =
    input.moduleSigningKeyFile === undefined ? undefined : await readSigningKey(input.moduleSigningKeyFile, input.moduleSigningCertFile);
  const info = archInfoOf(board.arch);
  const packages = await planPackageNodes([{ arch: board.arch, packages: board.packages }, ...board.extraArches]);
  const toolchain = await selectToolchain(input.toolchain);
  await verifyBuildHost(toolchain.toolchain, [...new Set([info, ...packages.map((node) => node.info)])]);
  const kernel = await kernelProviderFor(board, input.cacheRoot, info, toolchain.toolchain).resolve();
  return { loadedBoard, info, packages, toolchain, kernel, authorizedKeys, rootPasswordHash, gpuDriver, signingKey };
}
