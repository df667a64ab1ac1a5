import type { Arch } from '../schema/board.ts';

/**
 * COMMAND_LINE_SIZE per arch, as in the kernels emb boots (Debian bookworm, Linux 6.1):
 * arch/arm64/include/uapi/asm/setup.h 2048 (4096 from later kernels),
 * arch/arm/include/uapi/asm/setup.h 1024, arch/x86/include/asm/setup.h 2048.
 * The size counts the closing NUL, and the kernel cuts a longer line silently
 * (strscpy into boot_command_line), losing the per-node arguments that come last.
 */
const commandLineSize: Record<Arch, number> = { aarch64: 2048, armhf: 1024, amd64: 2048 };

export interface CommandLineLength {
  arch: Arch;
  /** Bytes of the line as UTF-8. */
  bytes: number;
  /** The most bytes the kernel keeps: COMMAND_LINE_SIZE - 1. */
  maxBytes: number;
  fits: boolean;
}

export function commandLineLength(text: string, arch: Arch): CommandLineLength {
  const bytes = Buffer.byteLength(text, 'utf8');
  const maxBytes = commandLineSize[arch] - 1;
  return { arch, bytes, maxBytes, fits: bytes <= maxBytes };
}
