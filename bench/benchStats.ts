// Order statistics of timing samples, shared by the bench tasks.

/** The value at fraction q (0–1) of the sorted samples. */
export function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const median = (xs: number[]): number => quantile(xs, 0.5);
