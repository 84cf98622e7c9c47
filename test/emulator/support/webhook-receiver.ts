import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { eventually } from './harness';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  event: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Waits until at least `count` deliveries match `predicate`. */
  waitFor(predicate: (hook: ReceivedWebhook) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A local HTTP server on port 0; `statusFor(n)` picks the answer to the n-th delivery (1-based). */
export async function startWebhookReceiver(statusFor: (n: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, event: JSON.parse(raw.toString('utf8')) });
      res.statusCode = statusFor(received.length);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    waitFor: (predicate, count = 1, timeoutMs = 5000) =>
      eventually(
        () => {
          const matching = received.filter(predicate);
          return matching.length >= count ? matching : undefined;
        },
        timeoutMs,
        `${count} webhook(s)`,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const ofType = (type: string) => (hook: ReceivedWebhook) => hook.event.type === type;

/**
 * Independent check of docs/loops-contract.md §5: `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.rawBody")>`,
 * computed here from the raw received bytes, not with the emulator's code.
 */
export function signatureIsValid(secret: string, header: string | undefined, raw: Buffer, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${t}.`), raw])).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return /^[0-9a-f]{64}$/.test(parts.v1) && timingSafeEqual(expected, given);
}
