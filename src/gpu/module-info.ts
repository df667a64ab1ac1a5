import { open } from 'node:fs/promises';
import { readSectionFromFile } from '../elf/elf-file-section.ts';
import { EmbError } from '../errors.ts';
import { modinfoEntries } from '../kernel/modules/modinfo.ts';

/** What the build checks in a module it is about to pack. */
export interface ModuleFacts {
  vermagic: string;
  /** Modules it needs loaded first (modinfo depends), as written. */
  depends: string[];
  /** Parameters it declares (modinfo parm names). */
  parameters: string[];
}

/** A module's .modinfo facts, read from the file (the section only). */
export async function readModuleFacts(file: string): Promise<ModuleFacts> {
  const handle = await open(file, 'r');
  try {
    const section = await readSectionFromFile(handle, '.modinfo', file, (await handle.stat()).size);
    if (section === undefined) throw new EmbError(`${file} has no .modinfo section: it is not a kernel module`, 'check the driver build');
    const entries = modinfoEntries(section);
    const value = (key: string): string | undefined => entries.find(([name]) => name === key)?.[1];
    return {
      vermagic: value('vermagic') ?? '',
      depends: (value('depends') ?? '').split(',').filter(Boolean),
      parameters: [
        ...new Set(entries.filter(([key]) => key === 'parm' || key === 'parmtype').map(([, text]) => text.slice(0, text.indexOf(':')))),
      ],
    };
  } finally {
    await handle.close();
  }
}

/**
 * The kernel refuses a module whose vermagic differs from its own (release, SMP,
 * preempt, modversions…): checked at build time, with both values in the message,
 * instead of at boot on every node.
 */
export function vermagicProblem(module: string, facts: ModuleFacts, kernelVermagic: string): string | undefined {
  if (facts.vermagic === kernelVermagic) return undefined;
  return `${module}: vermagic "${facts.vermagic.trim()}" does not match the kernel's "${kernelVermagic.trim()}"`;
}
