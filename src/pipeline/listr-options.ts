import { ListrLogger, type ListrBaseClassOptions } from 'listr2';

/** The live display on a terminal; plain lines in CI, in pipes and in tests. */
function plainOutputWanted(): boolean {
  return !process.stdout.isTTY || Boolean(process.env.CI);
}

/** Options every top-level task list of emb uses. */
export function listrOptions<Ctx>(): ListrBaseClassOptions<Ctx> {
  return {
    renderer: 'default',
    fallbackRenderer: 'simple',
    fallbackRendererCondition: plainOutputWanted,
    // Progress (failures too) goes to stdout: stderr carries only the one-line error the CLI prints.
    fallbackRendererOptions: { logger: new ListrLogger({ useIcons: true, toStderr: [] }) },
    exitOnError: true,
  } as ListrBaseClassOptions<Ctx>;
}
