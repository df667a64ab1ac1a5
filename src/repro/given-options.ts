import type { Command } from 'commander';

/**
 * The options the user gave `command` on the command line, back as arguments (long
 * names), `exclude` (attribute names) left out: what the check's two builds are run
 * with. Read from commander's own option table, so an option added to `emb build`
 * later is passed on too. Values from defaults or the environment are not repeated:
 * the builds inherit the environment and have the same defaults.
 */
export function givenOptionArgs(command: Command, exclude: readonly string[]): string[] {
  const args: string[] = [];
  const values = command.opts();
  for (const option of command.options) {
    const key = option.attributeName();
    if (exclude.includes(key) || command.getOptionValueSource(key) !== 'cli' || option.long === undefined) continue;
    const value: unknown = values[key];
    if (value === true) args.push(option.long);
    else if (value === false) args.push(option.long.startsWith('--no-') ? option.long : `--no-${option.long.slice(2)}`);
    else for (const each of Array.isArray(value) ? value : [value]) args.push(option.long, String(each));
  }
  return args;
}
