import { randomInt } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { Secret } from '../domain/secret.ts';

export interface PasswordRules {
  /** Random characters, or a passphrase of whole words. */
  mode: 'characters' | 'passphrase';
  length: number;
  lower: boolean;
  upper: boolean;
  digits: boolean;
  symbols: boolean;
  /** Leave out look-alikes (0/O, 1/l/I) for passwords read aloud over the phone. */
  avoidAmbiguous: boolean;
  /** Words in a passphrase. */
  words: number;
}

export const DEFAULT_PASSWORD_RULES: PasswordRules = {
  mode: 'characters', length: 20, lower: true, upper: true, digits: true, symbols: true, avoidAmbiguous: false, words: 6,
};

/**
 * The EFF's large diceware list (7,776 words, 12.9 bits each; CC BY 3.0 US,
 * Electronic Frontier Foundation), as @zxcvbn-ts/language-common ships it
 * (MIT): the strength meter knows the same words, so it rates a passphrase
 * by its words, not by its letters.
 */
const WORDS = dictionary['diceware-common'];

const CLASSES = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!#$%&()*+,-./:;<=>?@[]^_{|}~',
} as const;
const AMBIGUOUS = /[0O1lI|]/g;

/**
 * Draws from the operating system's CSPRNG (crypto.randomInt is unbiased) and
 * puts at least one character of every chosen class in the result.
 * Rules are validated at the edge (see validation/schemas.ts).
 */
export function generatePassword(rules: PasswordRules = DEFAULT_PASSWORD_RULES): Secret {
  if (rules.mode === 'passphrase') return generatePassphrase(rules.words);
  const pools = (Object.keys(CLASSES) as Array<keyof typeof CLASSES>)
    .filter((name) => rules[name])
    .map((name) => (rules.avoidAmbiguous ? CLASSES[name].replace(AMBIGUOUS, '') : CLASSES[name]));
  const all = pools.join('');
  const chars = pools.map(pick);
  while (chars.length < rules.length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return new Secret(chars.join(''));
}

/** Words drawn independently from the list, joined by hyphens. */
function generatePassphrase(words: number): Secret {
  return new Secret(Array.from({ length: words }, () => WORDS[randomInt(WORDS.length)]!).join('-'));
}

function pick(pool: string): string {
  return pool[randomInt(pool.length)]!;
}
