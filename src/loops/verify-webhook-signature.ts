import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LoopsSignatureOptions {
  secret: string;
  toleranceSeconds: number;
  /** docs/loops-contract.md §7.1: the digest encoding is the contract's open question; hex is the choice. */
  encoding: 'hex' | 'base64';
  nowSeconds: number;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Loops' webhook signature (docs/loops-contract.md §5): `t=<unix>,v1=<digest>[,v1=…]`, digest = HMAC-SHA256
 * of `${t}.${rawBody}` keyed with the secret. Any `v1` may match (rotation); compared in constant
 * time; a timestamp further than the tolerance from now, either way, is refused (replays).
 */
export function verifyLoopsSignature(rawBody: Buffer, header: string | undefined, options: LoopsSignatureOptions): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing signature header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : undefined;
    else if (key === 'v1' && value) signatures.push(value);
  }
  if (timestamp === undefined) return { ok: false, reason: 'no timestamp in signature header' };
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature in signature header' };
  if (Math.abs(options.nowSeconds - timestamp) > options.toleranceSeconds) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = createHmac('sha256', options.secret).update(`${timestamp}.`).update(rawBody).digest();
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(candidate, options.encoding);
    // Node's decoder is lenient (uppercase hex, trailing junk, an odd last digit all decode): only
    // the canonical form (lowercase hex, docs/loops-contract.md §5) counts, as in Stripe's own verifiers.
    if (given.toString(options.encoding) !== candidate) return false;
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: 'no signature matches' };
}
