import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes are drawn from a pooled buffer: a `randomBytes` call per id (several per request)
 * showed up in profiles; one call per 4 KB does not.
 */
let pool = Buffer.alloc(0);
let offset = 0;
function takeRandom(count: number): Buffer {
  if (offset + count > pool.length) {
    pool = randomBytes(Math.max(4096, count));
    offset = 0;
  }
  offset += count;
  return pool.subarray(offset - count, offset);
}

/** A Stripe-looking id: prefix + 24 random base62 characters (`req_…`, `evt_…`, `li_…`). */
export function randomId(prefix: string, length = 24): string {
  const bytes = takeRandom(length);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${id}`;
}

/**
 * A Stripe-looking id derived from content, so the same input always gets the same id
 * (`price_data` prices and products must keep stable ids across requests).
 */
export function stableId(prefix: string, content: string, length = 24): string {
  const digest = createHash('sha256').update(content).digest();
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[(digest[i % digest.length] ?? 0) % ALPHABET.length];
  return `${prefix}_${id}`;
}
