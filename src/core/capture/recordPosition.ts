// Where a case's record starts in a result file that is one JSON document (a promptfoo
// export, an Inspect `.json` log), so "open the result file at this record" lands on it
// rather than on line 1. Captures name such a record by its index in the document's
// array of cases (`record 12`, see recordLocator.ts); this finds the line that element starts on, in one
// linear pass over the text that stops there. Strings are skipped whole (a bracket or a
// quote inside a string is text), so no content of the file can mislead it.

/** The array of cases, by the object keys that lead to it from the document's root. */
const CASE_ARRAYS: Record<string, string[][]> = {
  promptfoo: [['results', 'results'], ['results']],
  inspect: [['samples']],
};

/** The quote at `at` is escaped: an odd number of backslashes before it. */
function escaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

interface Frame {
  array: boolean;
  /** Objects: the key of the member being read. */
  key?: string;
  /** Arrays: elements started so far. */
  elements: number;
  /** Arrays: the next value starts an element. */
  awaiting: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * The 0-based line on which element `index` of the format's case array starts, or
 * undefined when the text has no such array or element (or the format is not a
 * document format this knows).
 */
export function recordLine(text: string, format: string, index: number): number | undefined {
  const paths = CASE_ARRAYS[format];
  if (!paths) return undefined;
  const frames: Frame[] = [];
  let line = 0;
  /** The top frame is the case array: an array whose ancestors are objects keyed by one of the paths. */
  const atCaseArray = (): boolean => {
    const top = frames.at(-1);
    if (!top?.array) return false;
    const keys: string[] = [];
    for (let f = 0; f < frames.length - 1; f++) {
      if (frames[f]!.array || frames[f]!.key === undefined) return false;
      keys.push(frames[f]!.key!);
    }
    return paths.some((p) => p.length === keys.length && p.every((k, i) => k === keys[i]));
  };
  /** A value starts here: if it is an element of the case array, is it the one asked for? */
  const valueStarts = (): boolean => {
    const top = frames.at(-1);
    if (!top?.array || !top.awaiting) return false;
    top.awaiting = false;
    top.elements++;
    return top.elements - 1 === index && atCaseArray();
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (c === QUOTE) {
      if (valueStarts()) return line;
      const start = i + 1;
      // to the closing quote: the next one not escaped (JSON strings hold no raw newline)
      let end = text.indexOf('"', start);
      while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) return undefined;
      i = end;
      const top = frames.at(-1);
      // a string right after `{` or `,` in an object is a key (the value comes after `:`)
      if (top && !top.array && top.awaiting) {
        top.key = text.slice(start, i);
        top.awaiting = false;
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (valueStarts()) return line;
      frames.push({ array: c === 0x5b, elements: 0, awaiting: true });
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
      continue;
    }
    if (c === 0x2c /* , */) {
      const top = frames.at(-1);
      if (top) top.awaiting = true; // the next element, or the next member's key
      continue;
    }
    if (c === 0x3a /* : */) continue;
    // a number, true, false or null
    if (valueStarts()) return line;
    while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1]!)) i++;
  }
  return undefined;
}
