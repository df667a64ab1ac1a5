/**
 * A node:test reporter that writes one JSON line per skipped or todo test (name, file,
 * line, reason) and nothing else: run-tests.ts reads it to fail a CI run that skipped.
 */
import type { TestEvent } from 'node:test/reporters';

export interface SkippedTest {
  kind: 'skip' | 'todo';
  name: string;
  file?: string;
  line?: number;
  reason: string;
}

function reasonOf(value: string | boolean): string {
  return typeof value === 'string' && value !== '' ? value : '(no reason given)';
}

export default async function* skipReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string, void> {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    const kind =
      data.skip !== undefined && data.skip !== false ? 'skip' : data.todo !== undefined && data.todo !== false ? 'todo' : undefined;
    if (!kind) continue;
    const entry: SkippedTest = {
      kind,
      name: data.name,
      file: data.file,
      line: data.line,
      reason: reasonOf((kind === 'skip' ? data.skip : data.todo)!),
    };
    yield `${JSON.stringify(entry)}\n`;
  }
}
