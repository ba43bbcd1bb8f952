// Plain JSONL with a field mapping (`input=prompt,output=completion,expected=answer,pass=correct`).
import { basename } from 'node:path';
import { buildCase } from '../model/buildCase';
import type { Outcome } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { getPath, isRecord, toBool, toText } from '../text/values';
import { FormatError, type JsonlMapping } from './adapter';
import type { LineFormat } from './lineFormat';
import { toMessage } from './inspectSample';
import type { Message } from '../model/caseModel';

const MAPPING_KEYS = ['input', 'output', 'expected', 'pass', 'id', 'suite'] as const;

/** Parses `input=prompt,output=completion,…`; throws on unknown keys or a missing input. */
export function parseMapping(spec: string): JsonlMapping {
  const mapping: Record<string, string> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const field = part.slice(eq + 1).trim();
    if (eq <= 0 || !field) throw new Error(`mapping entry "${part}" is not key=field`);
    if (!(MAPPING_KEYS as readonly string[]).includes(key)) throw new Error(`unknown mapping key "${key}" (use ${MAPPING_KEYS.join(', ')})`);
    mapping[key] = field;
  }
  if (!mapping.input) throw new Error('a mapping needs at least input=<field>');
  return mapping as unknown as JsonlMapping;
}

export function mappingFromSettings(value: unknown): JsonlMapping | undefined {
  if (!isRecord(value) || typeof value.input !== 'string' || value.input === '') return undefined;
  const out: Record<string, string> = {};
  for (const k of MAPPING_KEYS) if (typeof value[k] === 'string' && value[k] !== '') out[k] = value[k] as string;
  return out as unknown as JsonlMapping;
}

export const genericJsonl: LineFormat = {
  format: 'jsonl',
  resumable: true,
  matches: () => false, // chosen only when a mapping is configured and no known format matched
  open: ({ path, firstLineText, options }) => {
    const mapping = options.mapping;
    if (!mapping) throw new FormatError('plain JSONL needs a field mapping (--map input=…,output=…)');
    const defaultSuite = basename(path).replace(/\.(jsonl|ndjson)$/i, '');
    return {
      run: {
        runId: `jsonl:${shortHash(`${path}\n${firstLineText}`)}`,
        format: 'jsonl',
        suite: defaultSuite,
        partial: false,
        metadata: { mapping },
      },
      record: (value, line, offset) => {
        if (!isRecord(value)) throw new FormatError('record is not a JSON object');
        const rawInput = getPath(value, mapping.input);
        if (rawInput === undefined) throw new FormatError(`field "${mapping.input}" (input) is missing`);
        let outcome: Outcome = 'unknown';
        if (mapping.pass) {
          const raw = getPath(value, mapping.pass);
          const b = toBool(raw);
          if (raw !== undefined && b === null) throw new FormatError(`field "${mapping.pass}" (pass) is ${JSON.stringify(raw)}, not a pass/fail value`);
          if (b !== null) outcome = b ? 'pass' : 'fail';
        }
        const out = mapping.output ? getPath(value, mapping.output) : undefined;
        const exp = mapping.expected ? getPath(value, mapping.expected) : undefined;
        const id = mapping.id ? getPath(value, mapping.id) : undefined;
        const suite = mapping.suite ? toText(getPath(value, mapping.suite)) || defaultSuite : defaultSuite;
        const messages = Array.isArray(rawInput) ? rawInput.map(toMessage).filter((m): m is Message => m !== null) : [];
        const input = typeof rawInput === 'string' ? { prompt: rawInput } : messages.length ? { messages } : { vars: isRecord(rawInput) ? rawInput : { input: rawInput } };
        const metadata: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) if (!Object.values(mapping).includes(k)) metadata[k] = v;
        return [
          buildCase('jsonl', {
            suite,
            ...(id !== undefined && id !== null ? { sampleId: toText(id) } : {}),
            input,
            output: out === undefined || out === null ? null : toText(out),
            expected: exp === undefined || exp === null ? null : toText(exp),
            outcome,
            metadata,
            record: { line, offset },
          }),
        ];
      },
      finish: () => [],
    };
  },
};
