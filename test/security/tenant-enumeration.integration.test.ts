import crypto from 'node:crypto';
import type { TenantConfig } from '../../src/config';
import { GatewayError } from '../../src/errors';
import { createLogger } from '../../src/observability/logger';
import { createLoopsWebhookService, type LoopsWebhookDeps } from '../../src/services/loops-webhooks/loops-webhook-service';
import { loopsSignature } from '../helpers/loops-webhooks';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { loopsWebhookSecretFor, useStack } from '../helpers/stack';

/**
 * `/webhooks/loops/<tenant>` needs no key, so its answers must not tell which tenant ids exist:
 * an unknown tenant used to get 404 "No such tenant" where a real one got 400, which enumerates
 * tenants. Now both get the same bad-signature answer, byte for byte, after the same HMAC work.
 */
const EVENT = `{"id":"evt_enumeration_1","object":"event","type":"test.enumeration_probe","created":${Math.floor(Date.now() / 1000)},"data":{"object":{}}}`;
const now = () => Math.floor(Date.now() / 1000);

/** Every way a signature can be wrong, each answered with its own reason. */
const SIGNATURES: [string, string | undefined][] = [
  ['no signature header', undefined],
  ['a garbled header', 'nonsense'],
  ['no timestamp', 'v1=abcdef'],
  ['a stale timestamp', loopsSignature(EVENT, now() - 3600, 'loops_whsec_someone_else')],
  ['a signature made with another secret', loopsSignature(EVENT, now(), 'loops_whsec_someone_else')],
];

/** The answer without what differs on every request anyway (its id, the time). */
function comparable(response: RawResponse) {
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !['date', 'request-id'].includes(name)));
  return { status: response.status, headers, body: response.text };
}

describe('Loops webhook answers do not tell tenants apart', () => {
  const stack = useStack({
    tenants: [
      { id: 'acme', apiKeys: ['sk_test_enumeration_acme_0001'] },
      { id: 'globex', apiKeys: ['sk_test_enumeration_globex_0002'] },
    ],
    background: false,
  });
  beforeAll(async () => {
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });

  const post = (path: string, signature: string | undefined) =>
    rawRequest(stack.url, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-loops-signature': signature }) },
      body: EVENT,
    });

  it.each(SIGNATURES)('%s: an unknown tenant, the unnamed path without a default tenant and a real tenant answer alike', async (_what, signature) => {
    const real = comparable(await post('/webhooks/loops/acme', signature));
    expect(real.status).toBe(400);
    expect(JSON.parse(real.body)).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^Invalid Loops webhook signature: /) },
    });
    expect(comparable(await post('/webhooks/loops/initech', signature))).toEqual(real);
    expect(comparable(await post('/webhooks/loops', signature))).toEqual(real);
  });

  it('the control: the real tenant’s own secret is accepted, so the comparison above was with a tenant that exists', async () => {
    const response = await post('/webhooks/loops/acme', loopsSignature(EVENT, now(), loopsWebhookSecretFor('acme')));
    // An event type the gateway does not handle: recorded and acknowledged.
    expect({ status: response.status, body: JSON.parse(response.text) as unknown }).toEqual({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    });
  });
});

describe('the Loops webhook service, for a tenant it cannot verify', () => {
  const tenant = (id: string, loopsWebhookSecret: string | undefined): TenantConfig => ({
    id,
    apiKeys: [`sk_test_${id}_enumeration`],
    loops: { apiBase: 'http://127.0.0.1:9', apiKey: 'loops_test_key_not_real' },
    loopsWebhookSecret,
    webhookSecrets: [],
    webhookEndpoints: [],
    strictParams: false,
    upcomingInvoiceDays: 0,
  });
  // Nothing past the signature check is reached here; the stores and sync are never called.
  const service = createLoopsWebhookService({
    tenants: new Map([
      ['acme', tenant('acme', 'loops_whsec_acme_not_real')],
      ['nosecret', tenant('nosecret', undefined)],
    ]),
    toleranceSeconds: 300,
    now: Date.now,
    logger: createLogger('silent'),
  } as unknown as LoopsWebhookDeps);

  /** The error and how many HMACs the answer cost. */
  async function refusal(tenantId: string, signature: string | undefined) {
    const hmac = jest.spyOn(crypto, 'createHmac');
    try {
      const error = await service.handle(tenantId, Buffer.from(EVENT), signature, createLogger('silent')).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(GatewayError);
      const { status, errorName, message, headers } = error as GatewayError;
      return { status, errorName, message, headers, hmacs: hmac.mock.calls.length };
    } finally {
      hmac.mockRestore();
    }
  }

  it.each(SIGNATURES)(
    '%s: unknown tenant, tenant without a secret and real tenant get the same error after the same work',
    async (_what, signature) => {
      const real = await refusal('acme', signature);
      expect(real.status).toBe(400);
      expect(await refusal('initech', signature)).toEqual(real);
      expect(await refusal('nosecret', signature)).toEqual(real);
    },
  );

  it('computes the HMAC for an unknown tenant too, as for a real one', async () => {
    const signature = loopsSignature(EVENT, now(), 'loops_whsec_someone_else');
    expect((await refusal('initech', signature)).hmacs).toBe(1);
    expect((await refusal('acme', signature)).hmacs).toBe(1);
  });
});
