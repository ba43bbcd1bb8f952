// The messages between the agreement report (webview) and the extension host. Both sides
// validate what they receive with these schemas and drop what does not fit; every array
// is bounded, and every string the page shows is placed as text.
import * as z from 'zod';

const name = z.string().max(300);
const figure = z.number().finite().nullable();
const matrix = z.array(z.array(z.number().int().min(0)).max(16)).max(16);
const comparison = { kappa: figure, items: z.number().int().min(0), observed: figure, expected: figure, alpha: figure };

export const agreementReportSchema = z.object({
  items: z.number().int().min(0),
  byStatus: z.object({ none: z.number(), single: z.number(), agreed: z.number(), disputed: z.number(), adjudicated: z.number() }),
  categories: z.array(name).max(16),
  reviewers: z.array(z.object({ name, items: z.number().int().min(0) })).max(1000),
  alpha: z.object({ alpha: figure, units: z.number(), values: z.number(), observedDisagreement: figure, expectedDisagreement: figure }),
  pairs: z.array(z.object({ a: name, b: name, matrix, ...comparison })).max(5000),
  autoGrader: z.object({
    byGrader: z.array(z.object({ reviewer: name, grader: name, matrix, ...comparison })).max(5000),
    bySuite: z.array(z.object({ reviewer: name, suite: name, ...comparison })).max(20_000),
  }),
});
export type AgreementReportData = z.infer<typeof agreementReportSchema>;

export const agreementHostMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('report'), report: agreementReportSchema }), z.object({ type: z.literal('error'), message: z.string().max(10_000) })]);
export type AgreementHostMessage = z.infer<typeof agreementHostMessageSchema>;

export const agreementWebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Opens the review panel on the disputed items (the adjudication queue). */
  z.object({ type: z.literal('openDisputed') }),
]);
export type AgreementWebviewMessage = z.infer<typeof agreementWebviewMessageSchema>;
