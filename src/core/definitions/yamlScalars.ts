// The few YAML scalar forms promptfoo test entries are written in: plain, 'single'
// and "double" quoted, block scalars (| and >), and one-line flow mappings. Not a YAML
// parser (none is a dependency): enough to read a test's description and its
// variables' values, and to say "not a scalar" for anything else.

/** A plain scalar's text without a trailing comment; undefined for an empty value. */
function plainScalar(raw: string): string | undefined {
  const cut = raw.search(/\s#/);
  const text = (cut >= 0 ? raw.slice(0, cut) : raw).trim();
  return text === '' || text === '~' || text === 'null' ? undefined : text;
}

function doubleQuoted(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e[0] === 'u' || e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * The value of a one-line scalar as written after `key:`: `{ text }` for a scalar,
 * `'block'` when a block scalar (| or >) starts here, `'nested'` when the value is on
 * the following lines or is a list or mapping, undefined when empty.
 */
export function scalarOf(raw: string): { text: string } | 'block' | 'nested' | undefined {
  const value = raw.trim();
  if (value === '' || value.startsWith('#')) return 'nested';
  if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) return 'block';
  if (value.startsWith('"')) {
    let end = 1;
    while (end < value.length && value[end] !== '"') end += value[end] === '\\' ? 2 : 1;
    return { text: doubleQuoted(value.slice(1, end)) };
  }
  if (value.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'/.exec(value);
    return { text: (m ? m[1]! : value.slice(1)).replace(/''/g, "'") };
  }
  if (value.startsWith('[') || value.startsWith('{') || value.startsWith('&') || value.startsWith('*') || value.startsWith('!')) return 'nested';
  const text = plainScalar(value);
  return text === undefined ? undefined : { text };
}

/** A block scalar's text from its indented lines (| keeps line breaks, > folds them). */
export function blockText(indicator: string, lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const body = lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
  const text = indicator.startsWith('>') ? body.join('\n').replace(/([^\n])\n(?=[^\n ])/g, '$1 ') : body.join('\n');
  return indicator.includes('-') ? text.replace(/\n+$/, '') : text.replace(/\n*$/, '\n');
}

/** A one-line flow mapping `{a: 1, b: "two"}` of scalars (undefined when it holds more than scalars). */
export function flowMapping(raw: string): Record<string, string> | undefined {
  const value = raw.trim();
  if (!value.startsWith('{') || !value.endsWith('}')) return undefined;
  const out: Record<string, string> = {};
  for (const part of value.slice(1, -1).split(/,(?=(?:[^"']|"[^"]*"|'[^']*')*$)/)) {
    if (!part.trim()) continue;
    const m = /^\s*(["']?)([^"':]+)\1\s*:\s*(.*)$/.exec(part);
    if (!m) return undefined;
    const scalar = scalarOf(m[3]!);
    if (typeof scalar !== 'object') return undefined;
    out[m[2]!.trim()] = scalar.text;
  }
  return out;
}
