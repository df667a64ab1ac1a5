/**
 * Where a boot's time goes, from the guest's own clock: /init prints
 * `EMB-STAGE init uptime=…` as it starts, `EMB-STAGE <step> uptime=…` as each of its
 * slow steps starts (modules, the read-only layer, storage), and `EMB-STAGE runit
 * uptime=…` as it execs runit; stage 2's ready line carries `uptime=…`. Seconds since
 * the kernel started.
 */
export interface BootPath {
  /** The kernel's share: decompressing and unpacking the initramfs is most of it. */
  init: number;
  /** /init's steps, in the order it printed them, each with the uptime it started at (images since issue 13's boot path work). */
  steps?: { name: string; start: number }[];
  runit: number;
  ready: number;
}

const STAGE_LINE = /^EMB-STAGE (\S+) uptime=([\d.]+)$/gm;

/** The uptimes from a console transcript and its ready line; undefined when an image printed no EMB-STAGE lines. */
export function bootPathOf(transcript: string, readyLine: string): BootPath | undefined {
  const stages = [...transcript.matchAll(STAGE_LINE)].map((match) => ({ name: match[1] ?? '', start: Number(match[2]) }));
  const init = stages.find((stage) => stage.name === 'init')?.start;
  const runit = stages.find((stage) => stage.name === 'runit')?.start;
  const readyValue = /uptime=([\d.]+)/.exec(readyLine)?.[1];
  if (init === undefined || runit === undefined || readyValue === undefined) return undefined;
  const steps = stages.filter((stage) => stage.name !== 'init' && stage.name !== 'runit');
  return { init, ...(steps.length > 0 ? { steps } : {}), runit, ready: Number(readyValue) };
}

/** Seconds /init spent in step `name`: from its stage line to the next one (or runit's). */
export function stepSeconds(path: BootPath, name: string): number | undefined {
  const steps = path.steps ?? [];
  const index = steps.findIndex((step) => step.name === name);
  const step = steps[index];
  if (step === undefined) return undefined;
  return (steps[index + 1]?.start ?? path.runit) - step.start;
}

export function formatBootPath(path: BootPath): string {
  const s = (seconds: number): string => `${seconds.toFixed(2)} s`;
  const steps = (path.steps ?? []).map((step) => `${step.name} ${s(stepSeconds(path, step.name) ?? 0)}`);
  const detail = steps.length > 0 ? ` (${steps.join(', ')})` : '';
  return `boot path (guest clock): kernel to /init ${s(path.init)}, /init to runit ${s(path.runit - path.init)}${detail}, runit to ready ${s(path.ready - path.runit)}`;
}
