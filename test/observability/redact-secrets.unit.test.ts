import { createLogger } from '../../src/observability/logger';
import { isSecretName, REDACTED, redactSecrets } from '../../src/observability/redact-secrets';

describe('secret redaction in logs', () => {
  it('recognises credential field names in any spelling', () => {
    const secret = [
      'authorization',
      'Authorization',
      'apiKey',
      'apiKeys',
      'loopsApiKey',
      'LOOPS_API_KEY',
      'GATEWAY_API_KEYS',
      'STRIPE_SECRET_KEY',
      'webhookSecrets',
      'loopsWebhookSecret',
      'x-loops-signature',
      'Stripe-Signature',
      'password',
      'cookie',
      'accessToken',
    ];
    const plain = ['idempotencyKey', 'tokens', 'signatureValid', 'tenant', 'eventId', 'keyPrefix', 'status'];
    expect(secret.filter((name) => !isSecretName(name))).toEqual([]);
    expect(plain.filter((name) => isSecretName(name))).toEqual([]);
  });

  it('censors at any depth and leaves everything else as it was', () => {
    const input = {
      config: {
        tenants: [{ id: 'acme', apiKeys: ['sk_test_fake_1'], loops: { apiKey: 'loops_fake', apiBase: 'http://x' }, webhookSecrets: ['whsec_fake'] }],
      },
      headers: { Authorization: 'Bearer sk_test_fake_2', 'content-type': 'application/json' },
      count: 3,
    };
    expect(redactSecrets(input)).toEqual({
      config: { tenants: [{ id: 'acme', apiKeys: REDACTED, loops: { apiKey: REDACTED, apiBase: 'http://x' }, webhookSecrets: REDACTED }] },
      headers: { Authorization: REDACTED, 'content-type': 'application/json' },
      count: 3,
    });
    expect(input.headers.Authorization).toBe('Bearer sk_test_fake_2');
    const clean = { a: { b: [1, 'two'] } };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it('applies to every line the logger writes', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ tenant: { LOOPS_WEBHOOK_SECRET: 'loops_whsec_fake' }, err: new Error('boom') }, 'configured');
    expect(lines.join('')).not.toContain('loops_whsec_fake');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ tenant: { LOOPS_WEBHOOK_SECRET: REDACTED }, err: { message: 'boom' }, msg: 'configured' });
  });
});
