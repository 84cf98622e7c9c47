import { createServer, type Server } from 'node:http';
import Stripe from 'stripe';

export interface Received {
  raw: Buffer;
  event: Stripe.Event | undefined;
  signature: string;
  verified: boolean;
  error: string | undefined;
  /** What the receiver answered (failures are scripted). */
  answered: number;
  at: number;
}

export interface MerchantReceiverOptions {
  /**
   * The merchant's handling of each verified event before it answers (many handlers read the API
   * first, e.g. `subscriptions.retrieve`); a throw answers 500, as a failing handler would.
   */
  onEvent?: (event: Stripe.Event) => Promise<void>;
}

/**
 * A merchant's unchanged Stripe webhook handler: it verifies every delivery with the official
 * `stripe.webhooks.constructEvent` on the raw body and records it. `failFirst(n)` makes the next
 * n deliveries fail with a 500, as an endpoint that is down would.
 */
export async function startMerchantReceiver(secret: string, options: MerchantReceiverOptions = {}) {
  const stripe = new Stripe('sk_test_receiver_unused_key_0');
  const received: Received[] = [];
  let failuresLeft = 0;
  let failAll = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const signature = String(req.headers['stripe-signature'] ?? '');
      let event: Stripe.Event | undefined;
      let error: string | undefined;
      let handlerFailed = false;
      try {
        event = stripe.webhooks.constructEvent(raw, signature, secret);
      } catch (caught) {
        error = (caught as Error).message;
      }
      if (event && options.onEvent) {
        await options.onEvent(event).catch((caught: Error) => {
          error = `handler: ${caught.message}`;
          handlerFailed = true;
        });
      }
      const failing = failAll || failuresLeft > 0 || handlerFailed;
      if (failuresLeft > 0) failuresLeft -= 1;
      const answered = !event ? 400 : failing ? 500 : 200;
      received.push({ raw, event, signature, verified: Boolean(event), error, answered, at: Date.now() });
      res.writeHead(answered, { 'content-type': 'application/json' }).end(JSON.stringify({ received: answered === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/stripe/webhook`;

  return {
    url,
    received,
    /** Verified events accepted with a 200, i.e. what the merchant's fulfilment saw. */
    accepted: () => received.filter((r) => r.answered === 200).map((r) => r.event as Stripe.Event),
    failFirst(count: number) {
      failuresLeft = count;
    },
    setDown(down: boolean) {
      failAll = down;
    },
    async waitFor(predicate: (accepted: Stripe.Event[]) => boolean, timeoutMs = 10_000): Promise<Stripe.Event[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const accepted = received.filter((r) => r.answered === 200).map((r) => r.event as Stripe.Event);
        if (predicate(accepted)) return accepted;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for deliveries; accepted so far: ${accepted.map((e) => e.type).join(', ') || 'none'}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type MerchantReceiver = Awaited<ReturnType<typeof startMerchantReceiver>>;
