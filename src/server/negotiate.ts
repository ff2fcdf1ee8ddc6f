import { MSGPACK_TYPES } from '../wire/msgpack.js';

/** How a batch result is written back: picked from the request's Accept header. */
export type ResponseFormat = 'json' | 'msgpack';

export const JSON_TYPE = 'application/json';

/** What the service can produce, in order of preference when the client ranks several equally. */
const OFFERS: { type: string; format: ResponseFormat }[] = [
  { type: JSON_TYPE, format: 'json' },
  ...MSGPACK_TYPES.map((type) => ({ type, format: 'msgpack' as const })),
];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(range.toLowerCase());
    if (!m) continue;
    let q = 1;
    for (const p of params) {
      const qm = /^q\s*=\s*([0-9.]+)$/i.exec(p);
      if (qm) q = Math.min(1, Number(qm[1]) || 0);
    }
    ranges.push({ type: m[1], subtype: m[2], q });
  }
  return ranges;
}

/** The q the client gives `offer`: that of the most specific range matching it (RFC 9110 §12.5.1). */
function qualityOf(offer: string, ranges: MediaRange[]): number {
  const [type, subtype] = offer.split('/');
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

/**
 * The format to answer in, or undefined when the client accepts nothing the service
 * produces (406). No Accept header, or an empty one, means JSON.
 */
export function negotiateResponse(accept: string | undefined): ResponseFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = parseAccept(accept);
  let chosen: ResponseFormat | undefined;
  let chosenQ = 0;
  for (const o of OFFERS) {
    const q = qualityOf(o.type, ranges);
    if (q > chosenQ) {
      chosen = o.format;
      chosenQ = q;
    }
  }
  return chosen;
}
