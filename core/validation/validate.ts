import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * Parses input against one operation's schema. On failure every problem is
 * reported with the dotted path of the field it concerns; unknown fields are
 * named themselves.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'is not a known field' }));
    }
    return [{ field: base || '(input)', message: readable(issue) }];
  }));
}

function readable(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return `must be ${issue.expected}`;
    case 'too_big': return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}`;
    case 'too_small': return issue.origin === 'string' && issue.minimum === 1 ? 'is required' : `must be at least ${issue.minimum}`;
    case 'invalid_value': return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default: return issue.message;
  }
}
