// The verdicts a reviewer (or an automatic grader) gives an item: the one list the
// journal, the command line, the review panel and its messages are built from.

export const VERDICTS = ['model-wrong', 'eval-wrong', 'ambiguous', 'discard'] as const;
export type Verdict = (typeof VERDICTS)[number];

export function isVerdict(value: string): value is Verdict {
  return (VERDICTS as readonly string[]).includes(value);
}
