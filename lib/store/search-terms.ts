/**
 * How every backend reads a prompt search: the terms are the runs of letters and digits (so no
 * quote, `*`, `(`, `:` or `-` ever reaches a query syntax), at most 16, each matched as a word
 * prefix; terms in Chinese, Japanese, Korean or Thai are matched as substrings of the prompt
 * instead, because those scripts do not put spaces between words. A search with no term filters
 * nothing.
 */

/** Scripts written without spaces between words: a whole run of them is one "word" to a tokenizer. */
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const SEARCH_TERM = /[\p{L}\p{M}\p{N}]+/gu;
const MAX_SEARCH_TERMS = 16;

export function splitSearch(q: string): { words: string[]; substrings: string[] } {
  const terms = [...new Set(q.match(SEARCH_TERM) ?? [])].slice(0, MAX_SEARCH_TERMS);
  return {
    words: terms.filter((term) => !UNSPACED_SCRIPT.test(term)),
    substrings: terms.filter((term) => UNSPACED_SCRIPT.test(term)),
  };
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Text as a word index reads it: lower case, accents removed (NFKD, then the marks dropped, so
 * "Café" is "cafe"), split into runs of letters and digits, each once. What SQLite's FTS5
 * tokenizer (unicode61, remove_diacritics 2) does, for a backend that is handed the words.
 */
export function foldedWords(text: string): string[] {
  return [...new Set(text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(WORD) ?? [])];
}
