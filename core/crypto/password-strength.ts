import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** zxcvbn's score: 0 too guessable, 1 very guessable, 2 somewhat guessable, 3 safely unguessable, 4 very unguessable. */
export type StrengthScore = 0 | 1 | 2 | 3 | 4;

let estimator: ZxcvbnFactory | null = null;

/**
 * How strong a password is, by zxcvbn-ts with the language-independent
 * dictionaries (common passwords, the diceware list, keyboard patterns): the
 * same ones the dialog's meter loads, so the server and the meter agree.
 * `related` are the entry's own words (its name, its username): a password
 * made of them is weak for this entry.
 */
export function strengthOf(password: string, related: readonly string[] = []): StrengthScore {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password, related.filter((word) => word !== '')).score as StrengthScore;
}
