import type { z } from 'zod';
import type { Rule } from './rules.ts';

/**
 * Which characters a text field may hold.
 *
 * - `line` (names, usernames, category names, URLs, mail subjects, searches):
 *   no control characters at all, no line or paragraph separators.
 * - `lines` (notes, mail bodies): the same, except tab, line feed and
 *   carriage return, which multi-line text needs.
 * - `secret` (passwords): anything except NUL and unpaired surrogates. A
 *   password has to be given back exactly as the system it opens expects it, so
 *   we refuse only what cannot be a password: NUL ends strings in C and PHP
 *   code and no login form accepts it, and an unpaired surrogate has no UTF-8
 *   form, so it would come back from decryption as U+FFFD, a different password.
 *
 * `line` and `lines` also refuse the characters that make text look other
 * than it is: bidirectional controls (U+202E turns `abc\u202Egpj.exe` into what
 * reads as "abcexe.jpg") and zero-width characters (two names that look equal
 * but are not). This also refuses U+200D, the zero-width joiner inside emoji
 * sequences such as 👩‍💻: each part of such a sequence is allowed on its own.
 * Unpaired surrogates are refused everywhere: MariaDB would store U+FFFD
 * while the answer echoed the original.
 */
export type TextKind = 'line' | 'lines' | 'secret';

const CONTROLS: Record<TextKind, RegExp> = {
  line: /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/,
  lines: /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/,
  secret: /\u0000/,
};

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates) and zero-width characters. */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/;

export interface TextProblem {
  rule: Extract<Rule, 'unpairedSurrogate' | 'controlCharacter' | 'invisibleCharacter'>;
  /** The refused character as `U+XXXX`; absent for an unpaired surrogate. */
  char?: string;
}

/** The first reason `value` may not be stored as text of this kind, or null. */
export function textProblem(value: string, kind: TextKind): TextProblem | null {
  if (UNPAIRED_SURROGATE.test(value)) return { rule: 'unpairedSurrogate' };
  const control = CONTROLS[kind].exec(value);
  if (control) return { rule: 'controlCharacter', char: codePoint(control[0]) };
  if (kind === 'secret') return null;
  const invisible = INVISIBLE.exec(value);
  return invisible ? { rule: 'invisibleCharacter', char: codePoint(invisible[0]) } : null;
}

/** A zod refinement refusing what `textProblem` finds, with the rule as message (see validate.ts). */
export function textOf(kind: TextKind) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = textProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.rule, params: problem.char ? { char: problem.char } : {} });
  };
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
