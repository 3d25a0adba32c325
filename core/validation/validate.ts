import type { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { isRule, issue, type Issue } from './rules.ts';

/**
 * Parses input against one operation's schema. On failure every problem is
 * reported with the dotted path of the field it concerns; unknown fields are
 * named themselves.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // The input is reported so a wrong type ("must be text") is told apart from a missing field; it never leaves here.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => refused(base ? `${base}.${key}` : key, 'unknownField'));
    }
    return [readable(base || '(input)', issue)];
  }));
}

const refused = issue;

function readable(field: string, problem: z.core.$ZodIssue): Issue {
  switch (problem.code) {
    case 'invalid_type':
      if (problem.input === undefined) return refused(field, 'required');
      return refused(field, TYPE_RULES[problem.expected] ?? 'invalid');
    case 'too_big':
      if (problem.origin === 'string') return refused(field, 'tooLong', { max: Number(problem.maximum) });
      if (problem.origin === 'array') return refused(field, 'tooMany', { max: Number(problem.maximum) });
      return refused(field, 'tooLarge', { max: Number(problem.maximum) });
    case 'too_small':
      if (problem.origin === 'string' && Number(problem.minimum) === 1) return refused(field, 'required');
      return refused(field, 'tooSmall', { min: Number(problem.minimum) });
    case 'invalid_value':
      return refused(field, 'oneOf', { values: problem.values.map((v) => JSON.stringify(v)).join(', ') });
    default:
      // Custom checks in schemas.ts name their rule as the message, and pass its parameters.
      return isRule(problem.message)
        ? refused(field, problem.message, (problem as { params?: Record<string, string | number> }).params)
        : refused(field, 'invalid');
  }
}

const TYPE_RULES: Partial<Record<string, Parameters<typeof issue>[1]>> = {
  string: 'mustBeText', number: 'mustBeNumber', int: 'mustBeWholeNumber', boolean: 'mustBeYesNo', array: 'mustBeList', object: 'mustBeObject',
};
