// Identifiers derived from a case key, so every writer computes the same ones:
// the item id people see (12 hex digits) and the integer key the index uses
// (the first 52 bits of the same sha256, exact in a JavaScript number).
import { sha256Hex } from '../text/hashing';

export interface CaseIds {
  id: string;
  cid: number;
}

export function caseIdsOf(caseKey: string): CaseIds {
  const hex = sha256Hex(caseKey);
  return { id: hex.slice(0, 12), cid: parseInt(hex.slice(0, 13), 16) };
}

export function itemIdOf(caseKey: string): string {
  return caseIdsOf(caseKey).id;
}
