import { postLoopsEvent } from '../helpers/loops-webhooks';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { TEST_KEYS, useStack } from '../helpers/stack';

const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length).trim()) : NaN;
};

/** `/metrics` in Prometheus format, moving with the traffic it describes. */
describe('/metrics', () => {
  let receiver: MerchantReceiver;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } }));
  afterAll(async () => {
    await receiver.close();
  });

  it('counts requests by route pattern, Loops calls, cache lookups, replays, webhooks and queue depth', async () => {
    const stripe = stack.stripe();
    const params = { mode: 'payment' as const, line_items: [{ price: 'price_mug', quantity: 1 }] };
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'metrics-1' });
    await stripe.checkout.sessions.create(params, { idempotencyKey: 'metrics-1' });
    await stripe.checkout.sessions.retrieve(session.id);
    await stripe.checkout.sessions.retrieve('cs_missing').catch(() => undefined);
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    await receiver.waitFor((events) => events.some((e) => e.type === 'checkout.session.completed'));

    const response = await fetch(`${stack.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(value(text, 'gateway_http_requests_total{method="POST",route="/v1/checkout/sessions",status="200"}')).toBe(2);
    // Ids never become label values: both retrieves count under the route pattern.
    expect(value(text, 'gateway_http_requests_total{method="GET",route="/v1/checkout/sessions/:id",status="200"}')).toBe(1);
    expect(value(text, 'gateway_http_requests_total{method="GET",route="/v1/checkout/sessions/:id",status="404"}')).toBe(1);
    expect(text).not.toContain(session.id);
    expect(value(text, 'gateway_idempotent_replays_total')).toBe(1);
    expect(value(text, 'gateway_loops_call_duration_seconds_count{operation="createSessionV3",outcome="ok"}')).toBe(1);
    expect(value(text, 'gateway_mapping_cache_lookups_total{result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'gateway_loops_webhooks_total{outcome="processed"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'gateway_webhook_deliveries_total{outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'gateway_webhook_queue_depth{state="failed"}')).toBe(0);
    expect(value(text, 'gateway_http_request_duration_seconds_count{method="POST",route="/v1/checkout/sessions"}')).toBe(2);
    expect(text).toContain('gateway_process_resident_memory_bytes');
  });

  it('counts a Loops event of a known type in a shape the gateway cannot read as invalid_shape, apart from rejected ones', async () => {
    const series = (outcome: string) => `gateway_loops_webhooks_total{outcome="${outcome}"}`;
    const before = await (await fetch(`${stack.url}/metrics`)).text();
    const count = (text: string, outcome: string) => value(text, series(outcome)) || 0;

    // Contract drift: a known type, a charge with an amount that is not a number.
    const drifted = await postLoopsEvent(stack.url, {
      id: 'evt_metrics_bad_shape',
      type: 'charge.refunded',
      data: { object: { id: 'ch_x', amount: 'lots' } },
    });
    expect(drifted.status).toBe(400);
    // Refused for another reason: a signature made with the wrong secret.
    const body = JSON.stringify({ id: 'evt_metrics_bad_sig', object: 'event', type: 'payout.paid', created: 1, data: { object: { id: 'po_1' } } });
    const unsigned = await fetch(`${stack.url}/webhooks/loops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loops-signature': 't=1,v1=00' },
      body,
    });
    expect(unsigned.status).toBe(400);

    const after = await (await fetch(`${stack.url}/metrics`)).text();
    expect(count(after, 'invalid_shape') - count(before, 'invalid_shape')).toBe(1);
    expect(count(after, 'rejected') - count(before, 'rejected')).toBe(1);
  });
});
