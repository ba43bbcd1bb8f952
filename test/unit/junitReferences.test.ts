// JUnit XML is read as its writer meant it: numeric character references (pytest writes
// newlines in attributes as &#10;) are decoded once, while entities a document declares
// itself are never expanded and external ones are refused.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readAll, tempDir } from './testSupport';

function xmlFile(text: string): string {
  const path = join(tempDir(), 'report.xml');
  writeFileSync(path, text);
  return path;
}

describe('JUnit character references', () => {
  it('&#10;, &#65; and &#x41; are decoded in names, messages and bodies; &amp;#65; and CDATA stay as written', async () => {
    const path = xmlFile(`<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest&#45;suite" tests="1">
  <testcase classname="tests.test_math" name="test_sum[&#65;&#x41;]" file="tests/test_math.py">
    <failure message="assert 1 == 2&#10; +  where 1 = sum() &amp;#65;">first line&#10;second &#x1F600; &lt;b&gt;<![CDATA[ &#65; kept]]></failure>
    <system-out>out&#9;tab</system-out>
  </testcase>
</testsuite></testsuites>`);
    const r = await readAll(path);
    assert.deepEqual(r.errors, []);
    const c = r.cases[0]!;
    assert.equal(c.suite, 'pytest-suite');
    assert.equal(c.sampleId, 'tests.test_math::test_sum[AA]');
    assert.equal(c.caseKey, 'junit/pytest-suite/id:tests.test_math::test_sum[AA]');
    assert.equal(c.output, 'assert 1 == 2\n +  where 1 = sum() &#65;\n\nfirst line\nsecond 😀 <b> &#65; kept');
    assert.equal(c.trace.find((s) => s.title === 'system-out')?.content, 'out\ttab');
  });

  it('entities declared in the document are not expanded, and external ones are refused', async () => {
    const inner = await readAll(
      xmlFile(`<?xml version="1.0"?>
<!DOCTYPE testsuite [<!ENTITY name "EXPANDED"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<testsuite name="s"><testcase name="t&name;"><failure message="&name; &c;">&c;</failure></testcase></testsuite>`),
    );
    const c = inner.cases[0]!;
    assert.equal(c.sampleId, 't&name;', 'the reference stays as written');
    assert.equal(c.output, '&name; &c;\n\n&c;');
    assert.ok(!JSON.stringify(c).includes('EXPANDED') && !JSON.stringify(c).includes('aaaaaaaaaa'));

    const secretFile = join(tempDir(), 'secret.txt');
    writeFileSync(secretFile, 'TOP-SECRET-CONTENT');
    const external = xmlFile(`<?xml version="1.0"?>
<!DOCTYPE testsuite [<!ENTITY leak SYSTEM "${pathToFileURL(secretFile).href}">]>
<testsuite name="s"><testcase name="t"><failure message="&leak;">&leak;</failure></testcase></testsuite>`);
    await assert.rejects(readAll(external), (error: Error) => {
      assert.match(error.message, /^XML refused: .*external entit/i);
      assert.ok(!error.message.includes('TOP-SECRET-CONTENT'));
      return true;
    });
  });
});
