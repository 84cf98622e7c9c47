import { createHmac } from 'node:crypto';
import { TEST_KEYS } from './stack';

/** A Loops signature header value (docs/loops-contract.md §5): `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function loopsSignature(body: string, t: number = Math.floor(Date.now() / 1000), secret: string = TEST_KEYS.loopsWebhook): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Plays Loops: one signed webhook event to the gateway; answers with the status and JSON body. */
export async function postLoopsEvent(
  gatewayUrl: string,
  event: { id: string; type: string; data: { object: Record<string, unknown> } },
  options: { header?: string; t?: number; path?: string } = {},
): Promise<{ status: number; json: { outcome?: string; error?: { message: string } } }> {
  const body = JSON.stringify({ object: 'event', created: Math.floor(Date.now() / 1000), ...event });
  const response = await fetch(`${gatewayUrl}${options.path ?? '/webhooks/loops'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [options.header ?? 'x-loops-signature']: loopsSignature(body, options.t) },
    body,
  });
  return { status: response.status, json: (await response.json()) as { outcome?: string; error?: { message: string } } };
}
