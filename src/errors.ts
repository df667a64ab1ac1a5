/**
 * Errors a user can cause. Each carries what broke (message) and what to do (hint);
 * `printUserError` is the one place that prints them, as one line, and the CLI sets
 * the exit code. Anything that is not an EmbError is a bug in emb and keeps its stack.
 */
export class EmbError extends Error {
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, hint?: string, exitCode = 1) {
    super(message);
    this.name = 'EmbError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function isEmbError(error: unknown): error is EmbError {
  return error instanceof EmbError;
}

/** One line for the user: "emb: <what>. <what to do>". */
export function formatUserError(error: EmbError): string {
  const hint = error.hint ? ` (${error.hint})` : '';
  return `emb: ${error.message}${hint}`;
}
