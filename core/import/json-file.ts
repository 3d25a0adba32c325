import type { z } from 'zod';
import { ImportFormatError } from './import-format-error.ts';

/**
 * A JSON export checked against the shape its tool writes. A refusal names the
 * format and the first place that is not as expected; a rule of the schema may
 * word its own refusal (`ownMessageAt`: the top-level field whose message stands alone).
 */
export function readJsonExport<S extends z.ZodType>(text: string, schema: S, format: string, ownMessageAt?: string): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new ImportFormatError(`not a ${format}: the file is not JSON`);
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  if (ownMessageAt !== undefined && first.path[0] === ownMessageAt) throw new ImportFormatError(first.message);
  throw new ImportFormatError(`not a ${format}: ${first.path.join('.') || 'the file'} is not as expected`);
}
