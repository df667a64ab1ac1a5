/**
 * Where a boot's time goes, from the guest's own clock: /init prints
 * `EMB-STAGE init uptime=…` as it starts and `EMB-STAGE runit uptime=…` as it execs
 * runit, and stage 2's ready line carries `uptime=…`. Seconds since the kernel started.
 */
export interface BootPath {
  /** The kernel's share: decompressing and unpacking the initramfs is most of it. */
  init: number;
  runit: number;
  ready: number;
}

function uptimeOf(text: string, pattern: RegExp): number | undefined {
  const value = pattern.exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

/** The three uptimes from a console transcript and its ready line; undefined when an image printed no EMB-STAGE lines. */
export function bootPathOf(transcript: string, readyLine: string): BootPath | undefined {
  const init = uptimeOf(transcript, /^EMB-STAGE init uptime=([\d.]+)$/m);
  const runit = uptimeOf(transcript, /^EMB-STAGE runit uptime=([\d.]+)$/m);
  const ready = uptimeOf(readyLine, /uptime=([\d.]+)/);
  if (init === undefined || runit === undefined || ready === undefined) return undefined;
  return { init, runit, ready };
}

export function formatBootPath(path: BootPath): string {
  const s = (seconds: number): string => `${seconds.toFixed(2)} s`;
  return `boot path (guest clock): kernel to /init ${s(path.init)}, /init to runit ${s(path.runit - path.init)}, runit to ready ${s(path.ready - path.runit)}`;
}
