// JUnit XML as pytest writes it (xunit1 and xunit2), with or without a
// <testsuites> root. <failure> is a failed case, <error> an errored one.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildCase } from '../model/buildCase';
import type { EvalCase, Outcome, TraceStep } from '../model/caseModel';
import { asString, isRecord, toText } from '../text/values';
import { FormatError, type ReadEvent } from './adapter';
import { xmlReferenceDecoder } from './xmlReferences';
import { reasonOf } from '../text/reasonOf';

const ARRAY_TAGS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped', 'property']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // character references decoded, DOCTYPE entities never expanded (see xmlReferences.ts)
  entityDecoder: xmlReferenceDecoder,
  isArray: (name) => ARRAY_TAGS.has(name),
});

export function looksLikeJunit(head: string): boolean {
  return /<testsuites[\s>]|<testsuite[\s>]/.test(head);
}

interface Suite {
  name: string;
  timestamp?: string;
  cases: Record<string, unknown>[];
}

function collectSuites(node: unknown, out: Suite[], parentName?: string): void {
  if (!isRecord(node)) return;
  const suites = Array.isArray(node.testsuite) ? node.testsuite : [];
  for (const s of suites) {
    if (!isRecord(s)) continue;
    const name = asString(s.name) ?? parentName ?? 'junit';
    out.push({ name, timestamp: asString(s.timestamp), cases: (Array.isArray(s.testcase) ? s.testcase : []).filter(isRecord) });
    collectSuites(s, out, name); // nested suites
  }
}

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (isRecord(node)) {
    const message = asString(node.message);
    const body = asString(node['#text'])?.trim();
    return [message, body && body !== message?.trim() ? body : undefined].filter(Boolean).join('\n\n');
  }
  return '';
}

export function* readJunitXml(xml: string, path: string, contentHash: string): Generator<ReadEvent> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FormatError(`invalid XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    // e.g. a DOCTYPE naming an external entity: refused, never fetched
    throw new FormatError(`XML refused: ${reasonOf(error)}`);
  }
  const suites: Suite[] = [];
  if (isRecord(doc.testsuites)) collectSuites(doc.testsuites, suites);
  else collectSuites(doc, suites);
  if (suites.length === 0) throw new FormatError('no <testsuite> element');
  const suiteName = suites[0]!.name;
  yield {
    kind: 'run',
    run: {
      runId: `junit:${contentHash}`,
      format: 'junit',
      suite: suiteName,
      startedAt: suites[0]!.timestamp,
      partial: false,
      metadata: { file: path.split(/[\\/]/).pop() },
    },
  };
  let index = 0;
  for (const suite of suites) {
    for (const tc of suite.cases) {
      const at = index++;
      try {
        yield { kind: 'case', evalCase: junitCase(tc, suiteName, at) };
      } catch (error) {
        yield { kind: 'error', error: { record: at, reason: reasonOf(error) } };
      }
    }
  }
}

function junitCase(tc: Record<string, unknown>, suite: string, index: number): EvalCase {
  const name = asString(tc.name);
  if (!name) throw new FormatError('<testcase> has no name');
  const classname = asString(tc.classname) ?? '';
  const failures = (tc.failure as unknown[] | undefined) ?? [];
  const errors = (tc.error as unknown[] | undefined) ?? [];
  const skipped = (tc.skipped as unknown[] | undefined) ?? [];
  const outcome: Outcome = failures.length ? 'fail' : errors.length ? 'error' : skipped.length ? 'skipped' : 'pass';
  const problem = [...failures, ...errors].map(textOf).join('\n\n');
  const trace: TraceStep[] = [];
  for (const [tag, kind] of [
    ['system-out', 'log'],
    ['system-err', 'log'],
  ] as const) {
    const text = toText(tc[tag]).trim();
    if (text) trace.push({ kind, title: tag, content: text });
  }
  for (const f of failures) trace.push({ kind: 'error', title: `failure ${asString(isRecord(f) ? f.type : undefined) ?? ''}`.trim(), content: textOf(f) });
  for (const e of errors) trace.push({ kind: 'error', title: `error ${asString(isRecord(e) ? e.type : undefined) ?? ''}`.trim(), content: textOf(e) });
  const properties: Record<string, unknown> = {};
  const props = isRecord(tc.properties) && Array.isArray(tc.properties.property) ? tc.properties.property : [];
  for (const p of props) if (isRecord(p) && typeof p.name === 'string') properties[p.name] = p.value ?? p['#text'];
  const testId = classname ? `${classname}::${name}` : name;
  return buildCase('junit', {
    suite,
    sampleId: testId,
    input: { vars: { test: testId, ...(asString(tc.file) ? { file: tc.file } : {}) } },
    output: problem || null,
    expected: null,
    outcome,
    scores: [],
    trace,
    ...(outcome === 'error' ? { error: problem } : {}),
    title: testId,
    metadata: {
      ...(asString(tc.file) ? { file: tc.file } : {}),
      ...(asString(tc.line) ? { line: Number(tc.line) } : {}),
      ...(asString(tc.time) ? { seconds: Number(tc.time) } : {}),
      ...(skipped.length ? { skipped: textOf(skipped[0]) } : {}),
      ...(Object.keys(properties).length ? { properties } : {}),
    },
    record: { index },
  });
}
