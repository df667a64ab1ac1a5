/**
 * The old distro's published figures, the peers emb's images and RAM are set against
 * (quoted in issue 13; not measured here: that distro is not built on this machine).
 */
export const oldDistroImageMB: Readonly<Record<string, number>> = { aarch64: 33, armhf: 26 };
export const oldDistroRamMB = { idle: 85, boinc: 100 } as const;

/** Boards whose boot and RAM rows are checked against the goals: the default board, where the issue measured, and the lean QEMU boards built to meet them. */
export const goalBoards: readonly string[] = ['qemu-aarch64', 'qemu-aarch64-lean', 'qemu-armhf-lean'];
