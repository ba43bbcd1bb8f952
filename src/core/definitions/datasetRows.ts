// Where an Inspect sample is defined: the rows of a dataset file (JSON Lines or CSV)
// with an `input` field. Each row gives its line, its `id` when it has one, and its
// input as text (a chat input: its last user message, as the captured case shows it).
// A CSV is read with quoted fields that may hold commas, doubled quotes and line breaks.

export interface DatasetRowSite {
  /** 0-based line where the row starts. */
  line: number;
  id?: string;
  input: string;
}

function inputText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const messages = value.filter((m): m is { role: string; content: unknown } => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string');
  const user = messages.filter((m) => m.role === 'user').at(-1) ?? messages.at(-1);
  if (!user) return undefined;
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) return user.content.map((p) => (typeof p === 'object' && p && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
  return undefined;
}

function idText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function locateJsonlRows(text: string): DatasetRowSite[] {
  const rows: DatasetRowSite[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim().startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return; // a line being typed
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const input = inputText(record.input);
    if (input === undefined) return;
    const id = idText(record.id);
    rows.push({ line: i, input, ...(id !== undefined ? { id } : {}) });
  });
  return rows;
}

/** CSV records with the line each starts on. */
function csvRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 0;
  let start = 0;
  let fresh = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fresh = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fresh = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (!fresh || field !== '') out.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      fresh = true;
      line++;
      start = line;
    } else {
      field += c;
      fresh = false;
    }
  }
  if (!fresh || field !== '') out.push({ line: start, fields: [...fields, field] });
  return out;
}

export function locateCsvRows(text: string): DatasetRowSite[] {
  const [header, ...records] = csvRecords(text.replace(/^\ufeff/, ''));
  if (!header) return [];
  const names = header.fields.map((f) => f.trim());
  const inputAt = names.indexOf('input');
  const idAt = names.indexOf('id');
  if (inputAt < 0) return [];
  return records.filter((r) => r.fields[inputAt] !== undefined).map((r) => ({ line: r.line, input: r.fields[inputAt]!, ...(idAt >= 0 && r.fields[idAt] ? { id: r.fields[idAt] } : {}) }));
}
