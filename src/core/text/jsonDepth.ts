// How deep a JSON value may nest. JSON.parse copes with any depth, but JSON.stringify,
// zod, canonical hashing and the adapters' walks recurse, and the thread's stack
// decides where they overflow (a worker's is larger than the main thread's): without
// one bound, a record nested thousands deep is captured on one reading path, crashes
// the other, and crashes `show` or `pin` later. The bound is checked without recursion
// where records come in (capture) and where stored cases come out (loading a case).

/** Objects and arrays nested deeper than this make a record unreadable; no real eval record comes close. */
export const MAX_JSON_DEPTH = 512;

export class JsonDepthError extends Error {}

/** The words every too-deep report uses, so capture, show and doctor say the same. */
export function tooDeepReason(what: string): string {
  return `${what} nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep (the limit)`;
}

/** True when objects and arrays nest more than `limit` levels in `value` (a bare `[]` is one level). Walks without recursion. */
export function nestsTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop()!;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(current)) {
      for (const child of current) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** Throws JsonDepthError (naming `what`) when the value nests too deep. */
export function assertNestingWithin(value: unknown, what: string): void {
  if (nestsTooDeep(value)) throw new JsonDepthError(tooDeepReason(what));
}
