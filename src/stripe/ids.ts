import { hash, randomBytes } from 'node:crypto';
import { GatewayError } from '../errors';

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
  // One-shot `hash`: no Hash object per id (half the cost of createHash().update().digest()).
  const digest = hash('sha256', content, 'buffer');
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[(digest[i % digest.length] ?? 0) % ALPHABET.length];
  return `${prefix}_${id}`;
}

/** The objects an id in a URL can name, as Stripe names them in "No such …" errors. */
export type AddressedObject = 'checkout.session' | 'event' | 'price' | 'product';

/**
 * What an id in a URL may look like before it is used to find anything (issue 10 "Hardening"):
 * the id becomes part of a Redis key (`…:session:<id>`, `…:event:<id>`) or of a Loops URL, so
 * `evt_…:delivered` read the set beside an event as if it were the event, and Redis's WRONGTYPE
 * answer was reported as a 503 outage. An id of another shape names nothing: 404, as from Stripe.
 *
 * - Sessions are Loops' ids (`cs_…`, docs/loops-contract.md §1, whose alphabet is not documented): letters,
 *   digits, `_` and `-`, never `:`, `/`, `{`, `}`, spaces or controls.
 * - Events are the gateway's own (`evt_` + base62, `randomId`).
 * - Prices and products are the merchant's Stripe ids, which may be custom (legacy plan ids are
 *   free text), and are only ever a field of a Redis hash: up to 255 characters (as
 *   `line_items[][price]`), no control characters.
 */
const ID_SHAPES: Record<AddressedObject, RegExp> = {
  'checkout.session': /^cs_[A-Za-z0-9_-]{1,252}$/,
  event: /^evt_[A-Za-z0-9_]{1,251}$/,
  price: /^[^\x00-\x1f\x7f]{1,255}$/,
  product: /^[^\x00-\x1f\x7f]{1,255}$/,
};

export function isWellFormedId(object: AddressedObject, id: string): boolean {
  return ID_SHAPES[object].test(id);
}

/** Stripe's answer for an id in a URL that names nothing of this tenant's (docs/stripe-checkout-contract.md §5.5). */
export function noSuchObject(object: AddressedObject, id: string): GatewayError {
  return new GatewayError('resource_missing', `No such ${object}: '${id}'`, 'id');
}
