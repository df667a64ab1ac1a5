import { Command } from 'commander';
import { z } from 'zod';
import { diagnoseHost } from '../host/doctor.ts';
import { archSchema } from '../schema/board.ts';

const doctorOptionsSchema = z.object({ arch: z.array(archSchema).optional() });

export const doctorCommand = new Command('doctor')
  .description('check the host toolchain and tools; print the exact apt-get line for what is missing')
  .option('-a, --arch <arch...>', 'target arches to check (default: aarch64 armhf amd64)')
  .action(async (raw: unknown) => {
    const options = doctorOptionsSchema.parse(raw);
    const findings = await diagnoseHost(options.arch ?? ['aarch64', 'armhf', 'amd64']);
    for (const finding of findings) {
      console.log(`${finding.ok ? 'ok  ' : 'FAIL'} ${finding.what}: ${finding.detail}`);
      if (finding.fix) console.log(`     fix: ${finding.fix}`);
    }
    if (findings.some((finding) => !finding.ok)) process.exitCode = 1;
  });
