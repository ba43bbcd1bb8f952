// The secrets scan before a snapshot: each kind it knows is found, and the quick test
// that lets most texts skip the patterns never skips a text one of them would match
// (checked against the patterns run directly over 20,000 generated texts made of the
// fragments they look for).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { couldBeSensitive, findSensitive, PATTERNS, redactSensitive } from '../../src/core/corpus/sensitiveContent';

const EXAMPLES: Record<string, string> = {
  'private-key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
  'anthropic-key': 'key sk-ant-api03-abcdefghijklmnopqrstuvwx',
  'openai-key': 'OPENAI sk-proj-abcdefghijklmnopqrstuvwxyz',
  'aws-access-key': 'AKIAIOSFODNN7EXAMPLE',
  'github-token': 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  'slack-token': 'xoxb-1234567890-abcdef',
  'google-api-key': 'AIzaSyA1234567890abcdefghijklmnopqrstuv',
  'bearer-token': 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz.123',
  email: 'write to ana.b@example.org today',
  phone: 'call +1 415 555 0100 now',
};

/** The findings of every pattern run directly, with no quick test in front. */
function direct(text: string): string[] {
  return PATTERNS.flatMap(([kind, re]) => [...text.matchAll(re)].map(() => kind));
}

describe('the secrets scan', () => {
  it('finds each kind it knows', () => {
    for (const [kind, text] of Object.entries(EXAMPLES)) {
      assert.ok(
        findSensitive(text).some((f) => f.kind === kind),
        kind,
      );
      assert.match(redactSensitive(text).text, new RegExp(`\\[REDACTED:${kind}\\]`), kind);
    }
  });

  it('the quick test skips only texts no pattern matches', () => {
    const fragments = ['sk-', 'sk-ant-', 'AKIA', 'ASIA', 'ghp_', 'github_pat_', 'xoxb-', 'AIza', 'Bearer ', '@', 'example.org', '-----BEGIN ', 'PRIVATE KEY-----', '+1 ', '(415) ', '415', '-', '.', ' ', '555', '0100', 'abcdefghij', 'ABCDEFGHIJKLMNOP', '_', '0123456789'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let flagged = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const parts = 1 + Math.floor(next() * 8);
      for (let p = 0; p < parts; p++) text += fragments[Math.floor(next() * fragments.length)];
      const expected = direct(text);
      if (expected.length) {
        flagged++;
        assert.ok(couldBeSensitive(text), `skipped a text with ${expected.join(', ')}: ${JSON.stringify(text)}`);
      }
      assert.deepEqual(
        findSensitive(text).map((f) => f.kind),
        expected,
        JSON.stringify(text),
      );
    }
    assert.ok(flagged > 1000, `the generated texts hold findings (${flagged})`);
  });
});
