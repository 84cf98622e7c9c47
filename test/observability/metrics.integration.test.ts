import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length).trim()) : NaN;
};

/** `/metrics` in Prometheus format, moving with the traffic it describes. */
describe('/metrics', () => {
  let stack: Stack;
  let receiver: MerchantReceiver;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } });
  });
  afterAll(async () => {
    await stack.close();
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
});
