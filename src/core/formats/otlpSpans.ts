// OTLP JSON as exporters and backends write it, flattened into spans and log events:
// `resourceSpans → scopeSpans → spans` (the OTLP/HTTP JSON encoding and the collector's
// file exporter), the older `instrumentationLibrarySpans` and Tempo's `batches`, and
// `resourceLogs` (GenAI events sent as log records, joined to their span by id).
// Attribute values are decoded from AnyValue; ids in hex or base64 become lower-case
// hex; status codes read as numbers (2) or names (`STATUS_CODE_ERROR`).
import { isRecord, toNumber } from '../text/values';

export type SpanStatus = 'ok' | 'error' | 'unset';

export interface OtlpEvent {
  name: string;
  timeMs?: number;
  attributes: Record<string, unknown>;
  /** A log record's body (GenAI events as logs carry their content here). */
  body?: unknown;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: string;
  startMs?: number;
  endMs?: number;
  status: SpanStatus;
  statusMessage?: string;
  attributes: Record<string, unknown>;
  events: OtlpEvent[];
  service: string;
  resource: Record<string, unknown>;
  /** Where it was read: the line (JSON lines) and its position among the file's spans. */
  line?: number;
  index: number;
}

export interface OtlpLogEvent extends OtlpEvent {
  traceId?: string;
  spanId?: string;
  service: string;
}

export interface OtlpContents {
  spans: OtlpSpan[];
  logs: OtlpLogEvent[];
}

/** A JSON value is an OTLP export when it has spans or logs in one of the known envelopes. */
export function isOtlpExport(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  return Array.isArray(doc.resourceSpans) || Array.isArray(doc.resourceLogs) || (Array.isArray(doc.batches) && doc.batches.some(isResourceSpans));
}

function isResourceSpans(value: unknown): boolean {
  return isRecord(value) && (Array.isArray(value.scopeSpans) || Array.isArray(value.instrumentationLibrarySpans));
}

/** Decodes an OTLP AnyValue ({stringValue}, {intValue}, {arrayValue: {values}}, …). */
export function anyValue(value: unknown): unknown {
  if (!isRecord(value)) return value;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue === true || value.boolValue === 'true';
  if ('intValue' in value) {
    const n = toNumber(value.intValue);
    return n !== null && Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if ('doubleValue' in value) return toNumber(value.doubleValue) ?? value.doubleValue;
  if ('arrayValue' in value) return isRecord(value.arrayValue) && Array.isArray(value.arrayValue.values) ? value.arrayValue.values.map(anyValue) : [];
  if ('kvlistValue' in value) return isRecord(value.kvlistValue) ? attributeMap(value.kvlistValue.values) : {};
  if ('bytesValue' in value) return value.bytesValue;
  return undefined;
}

/** `[{key, value: AnyValue}]` (or an already plain object) as a plain map. */
export function attributeMap(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(raw)) {
    for (const kv of raw) if (isRecord(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) out[k] = isRecord(v) && ('stringValue' in v || 'intValue' in v || 'doubleValue' in v || 'boolValue' in v) ? anyValue(v) : v;
  }
  return out;
}

const HEX_ID = /^[0-9a-fA-F]+$/;

/** Span and trace ids as lower-case hex, whether written as hex or (Tempo, jsonpb) base64. */
export function idText(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  if (HEX_ID.test(value) && (value.length === 16 || value.length === 32)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 8 || bytes.length === 16) return bytes.toString('hex');
  }
  return value;
}

/** Unix nanoseconds (a number, or digits as text when beyond 2^53) as milliseconds. */
export function nanosToMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value / 1e6;
  if (typeof value === 'string' && /^\d{1,30}$/.test(value)) return Number(BigInt(value) / 1000n) / 1000;
  return undefined;
}

export function statusOf(raw: unknown): { status: SpanStatus; message?: string } {
  if (!isRecord(raw)) return { status: 'unset' };
  const code = raw.code;
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : undefined;
  const name = typeof code === 'string' ? code.toUpperCase() : '';
  const status: SpanStatus = code === 2 || name === '2' || name === 'STATUS_CODE_ERROR' || name === 'ERROR' ? 'error' : code === 1 || name === '1' || name === 'STATUS_CODE_OK' || name === 'OK' ? 'ok' : 'unset';
  return message ? { status, message } : { status };
}

function serviceOf(resource: Record<string, unknown>): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}

function eventsOf(raw: unknown): OtlpEvent[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((e) => {
    const event: OtlpEvent = { name: typeof e.name === 'string' ? e.name : '', attributes: attributeMap(e.attributes) };
    const timeMs = nanosToMs(e.timeUnixNano);
    if (timeMs !== undefined) event.timeMs = timeMs;
    return event;
  });
}

/** The spans and log events of one export request (one JSON line, or a whole document). */
export function readOtlpExport(doc: Record<string, unknown>, firstIndex: number, line?: number): OtlpContents {
  const spans: OtlpSpan[] = [];
  const logs: OtlpLogEvent[] = [];
  const resourceSpans = Array.isArray(doc.resourceSpans) ? doc.resourceSpans : Array.isArray(doc.batches) ? doc.batches : [];
  for (const rs of resourceSpans) {
    if (!isRecord(rs)) continue;
    const resource = attributeMap(isRecord(rs.resource) ? rs.resource.attributes : undefined);
    const service = serviceOf(resource);
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : [];
    for (const scope of scopes) {
      if (!isRecord(scope) || !Array.isArray(scope.spans)) continue;
      for (const raw of scope.spans) {
        if (!isRecord(raw)) continue;
        const { status, message } = statusOf(raw.status);
        const span: OtlpSpan = {
          traceId: idText(raw.traceId),
          spanId: idText(raw.spanId),
          name: typeof raw.name === 'string' ? raw.name : '',
          status,
          attributes: attributeMap(raw.attributes),
          events: eventsOf(raw.events),
          service,
          resource,
          index: firstIndex + spans.length,
        };
        const parent = idText(raw.parentSpanId);
        if (parent) span.parentSpanId = parent;
        if (typeof raw.kind === 'string' || typeof raw.kind === 'number') span.kind = String(raw.kind);
        const startMs = nanosToMs(raw.startTimeUnixNano);
        const endMs = nanosToMs(raw.endTimeUnixNano);
        if (startMs !== undefined) span.startMs = startMs;
        if (endMs !== undefined) span.endMs = endMs;
        if (message) span.statusMessage = message;
        if (line !== undefined) span.line = line;
        spans.push(span);
      }
    }
  }
  for (const rl of Array.isArray(doc.resourceLogs) ? doc.resourceLogs : []) {
    if (!isRecord(rl)) continue;
    const service = serviceOf(attributeMap(isRecord(rl.resource) ? rl.resource.attributes : undefined));
    const scopes = Array.isArray(rl.scopeLogs) ? rl.scopeLogs : Array.isArray(rl.instrumentationLibraryLogs) ? rl.instrumentationLibraryLogs : [];
    for (const scope of scopes) {
      if (!isRecord(scope) || !Array.isArray(scope.logRecords)) continue;
      for (const raw of scope.logRecords) {
        if (!isRecord(raw)) continue;
        const attributes = attributeMap(raw.attributes);
        const name = typeof raw.eventName === 'string' && raw.eventName !== '' ? raw.eventName : typeof attributes['event.name'] === 'string' ? (attributes['event.name'] as string) : '';
        if (!name) continue;
        const event: OtlpLogEvent = { name, attributes, body: anyValue(raw.body), service };
        const timeMs = nanosToMs(raw.timeUnixNano) ?? nanosToMs(raw.observedTimeUnixNano);
        if (timeMs !== undefined) event.timeMs = timeMs;
        const traceId = idText(raw.traceId);
        const spanId = idText(raw.spanId);
        if (traceId) event.traceId = traceId;
        if (spanId) event.spanId = spanId;
        logs.push(event);
      }
    }
  }
  return { spans, logs };
}
