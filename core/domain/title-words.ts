import { tagKey } from './tags.ts';

/** How much of the notes' first line is read for words: a title, not a text. */
export const TITLE_LINE_MAX = 200;
/** A word is found from its first 3 letters on; shorter prefixes would find nearly everything. */
export const WORD_PREFIX_MIN = 3;
/** Prefixes stop here: a search longer than this finds nothing by notes. */
export const WORD_PREFIX_MAX = 20;
/** At most this many prefixes per entry (the first words of the line keep theirs): a title of 200 characters could give about 170. */
export const PREFIXES_PER_ENTRY = 128;

/** Letters (with their combining marks) and digits; anything else separates words. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Folded as tags are, after NFKC, so that full-width letters and ligatures
 * ("ＰＲＯＤ", "ﬁle") are found by the plain ones a user types.
 */
export function foldWord(text: string): string {
  return tagKey(text.normalize('NFKC'));
}

/** The notes' first line, trimmed, cut to TITLE_LINE_MAX characters. */
export function titleLine(notes: string): string {
  const [first = ''] = notes.split(/\r\n|\r|\n/, 1);
  return [...first.trim()].slice(0, TITLE_LINE_MAX).join('');
}

/**
 * Every prefix of 3 to 20 characters of each word of 3 characters or more on
 * the notes' first line, folded, each once, at most PREFIXES_PER_ENTRY:
 * what a search by a word of the title finds the entry by.
 */
export function titleWordPrefixes(notes: string): string[] {
  const prefixes = new Set<string>();
  for (const [word] of foldWord(titleLine(notes)).matchAll(WORD)) {
    const chars = [...word];
    for (let length = WORD_PREFIX_MIN; length <= Math.min(chars.length, WORD_PREFIX_MAX); length++) {
      if (prefixes.size === PREFIXES_PER_ENTRY) return [...prefixes];
      prefixes.add(chars.slice(0, length).join(''));
    }
  }
  return [...prefixes];
}

/**
 * The word prefix a search asks for, when the whole search (trimmed, folded)
 * is one word of 3 to 20 characters; otherwise null: a search of several
 * words, or of punctuation, is not looked for in notes.
 */
export function searchedWordPrefix(search: string): string | null {
  const folded = foldWord(search.trim());
  const words = [...folded.matchAll(WORD)];
  if (words.length !== 1 || words[0]![0] !== folded) return null;
  const length = [...folded].length;
  return length >= WORD_PREFIX_MIN && length <= WORD_PREFIX_MAX ? folded : null;
}
