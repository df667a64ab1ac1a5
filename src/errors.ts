/**
 * Errors a user can cause. Each carries what broke (message) and what to do (hint);
 * `printUserError` is the one place that prints them, as one line, and the CLI sets
 * the exit code. Anything that is not an EmbError is a bug in emb and keeps its stack.
 */
export class EmbError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'EmbError';
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
