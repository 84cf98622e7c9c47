import { createHmac } from 'node:crypto';

/**
 * docs/loops-contract.md §5: header value `t=<unix seconds>,v1=<hex>`, where the signature is
 * HMAC-SHA256 keyed with the secret as-is over `${t}.${rawBody}`, lowercase hex [chosen].
 */
export function signatureHeaderValue(secret: string, rawBody: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}
