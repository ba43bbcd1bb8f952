// A count with its noun in the right number, for what people read: "1 failure", "3 failures".

/** `n` and the noun, singular for exactly one (the plural defaults to the noun plus "s"). */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
