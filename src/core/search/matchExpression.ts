// A word a reviewer typed into the search, as a full-text query of the index's item_text
// table (searchText.ts).

/**
 * A word of a search as an FTS4 query: each run of letters and digits in it a prefix
 * term, all required ("30+7" finds texts with 30 and 7…); undefined when it has none.
 * Nothing of the word reaches the query syntax but those runs.
 */
export function matchExpression(word: string): string | undefined {
  const terms = word.match(/[\p{L}\p{N}]+/gu);
  return terms?.length ? terms.map((t) => `${t}*`).join(' ') : undefined;
}
