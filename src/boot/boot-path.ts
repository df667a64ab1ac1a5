/**
 * Where a boot's time goes, from the guest's own clock: /init prints
 * `EMB-STAGE init uptime=…` as it starts, `EMB-STAGE modules …` and `EMB-STAGE storage …`
 * as its two slow steps start (loading the board's modules; finding and mounting
 * /storage), and `EMB-STAGE runit uptime=…` as it execs runit; stage 2's ready line
 * carries `uptime=…`. Seconds since the kernel started.
 */
export interface BootPath {
  /** The kernel's share: decompressing and unpacking the initramfs is most of it. */
  init: number;
  /** When /init began loading the board's modules, and then /storage (images since issue 13's boot path work). */
  modules?: number;
  storage?: number;
  runit: number;
  ready: number;
}

function uptimeOf(text: string, stage: string): number | undefined {
  const value = new RegExp(`^EMB-STAGE ${stage} uptime=([\\d.]+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

/** The uptimes from a console transcript and its ready line; undefined when an image printed no EMB-STAGE lines. */
export function bootPathOf(transcript: string, readyLine: string): BootPath | undefined {
  const init = uptimeOf(transcript, 'init');
  const runit = uptimeOf(transcript, 'runit');
  const readyValue = /uptime=([\d.]+)/.exec(readyLine)?.[1];
  if (init === undefined || runit === undefined || readyValue === undefined) return undefined;
  const modules = uptimeOf(transcript, 'modules');
  const storage = uptimeOf(transcript, 'storage');
  return {
    init,
    ...(modules === undefined ? {} : { modules }),
    ...(storage === undefined ? {} : { storage }),
    runit,
    ready: Number(readyValue),
  };
}

export function formatBootPath(path: BootPath): string {
  const s = (seconds: number): string => `${seconds.toFixed(2)} s`;
  // /init's slow steps, each up to the next stage line: modules to storage, storage to runit.
  const steps: string[] = [];
  if (path.modules !== undefined) steps.push(`modules ${s((path.storage ?? path.runit) - path.modules)}`);
  if (path.storage !== undefined) steps.push(`storage ${s(path.runit - path.storage)}`);
  const detail = steps.length > 0 ? ` (${steps.join(', ')})` : '';
  return `boot path (guest clock): kernel to /init ${s(path.init)}, /init to runit ${s(path.runit - path.init)}${detail}, runit to ready ${s(path.ready - path.runit)}`;
}
