import type { z } from 'zod';

/** zod issues as "field: message" pieces joined into one line. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `field "${field}": ${issue.message}`;
    })
    .join('; ');
}
