// How references in XML text and attribute values are read: the five entities XML
// itself defines (&lt; &gt; &amp; &quot; &apos;) and numeric character references
// (&#10; &#x41;, which pytest's XML writer emits for newlines and control characters),
// decoded in one pass so `&amp;#65;` stays the text "&#65;". Entities a document
// declares in its DOCTYPE are never expanded (no entity expansion, no external entity);
// their references stay as written. Given to fast-xml-parser as its `entityDecoder`.
import type { EntityDecoderOptions } from 'fast-xml-parser';

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A code point XML 1.0 allows in a document (its `Char` production). */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** The text a reference stands for, or the reference itself when it is not one XML allows. */
function referenced(reference: string, body: string): string {
  if (body[0] !== '#') return PREDEFINED[body] ?? reference;
  const hex = body[1] === 'x';
  const digits = body.slice(hex ? 2 : 1);
  if (digits.length === 0 || digits.length > 8) return reference;
  const cp = parseInt(digits, hex ? 16 : 10);
  return isXmlChar(cp) ? String.fromCodePoint(cp) : reference;
}

export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g, referenced);
}

export const xmlReferenceDecoder: EntityDecoderOptions = {
  decode: decodeXmlReferences,
  // DOCTYPE entities are refused by never being added: a reference to one stays as written
  addInputEntities: () => undefined,
  setExternalEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};
