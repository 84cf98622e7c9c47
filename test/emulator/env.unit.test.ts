import { DEFAULT_API_KEY, readEmulatorEnv } from '../../src/emulator/env';

describe('readEmulatorEnv', () => {
  it('falls back to defaults and the obviously fake key', () => {
    const result = readEmulatorEnv({});
    expect(result).toEqual({
      ok: true,
      defaultKeyUsed: true,
      options: expect.objectContaining({ port: 4243, host: '127.0.0.1', apiKeys: [DEFAULT_API_KEY], webhooks: [], logLevel: 'info' }),
    });
  });

  it('reads every variable, comma-separated lists included', () => {
    const result = readEmulatorEnv({
      EMULATOR_PORT: '4299',
      EMULATOR_HOST: '0.0.0.0',
      EMULATOR_API_KEYS: 'k1, k2',
      EMULATOR_PUBLIC_URL: 'http://loops.local:4299',
      EMULATOR_WEBHOOK_URL: 'http://a.test/hook,http://b.test/hook',
      EMULATOR_WEBHOOK_SECRET: 's3cret',
      EMULATOR_WEBHOOK_RETRY_DELAYS_MS: '10,20',
      EMULATOR_WEBHOOK_SIGNATURE_HEADER: 'Loops-Signature',
      EMULATOR_SESSION_TTL_SECONDS: '60',
      LOG_LEVEL: 'debug',
    });
    expect(result).toEqual({
      ok: true,
      defaultKeyUsed: false,
      options: expect.objectContaining({
        port: 4299,
        host: '0.0.0.0',
        apiKeys: ['k1', 'k2'],
        publicUrl: 'http://loops.local:4299',
        webhooks: [
          { url: 'http://a.test/hook', secret: 's3cret' },
          { url: 'http://b.test/hook', secret: 's3cret' },
        ],
        webhookRetryDelaysMs: [10, 20],
        webhookSignatureHeader: 'Loops-Signature',
        sessionTtlSeconds: 60,
        logLevel: 'debug',
      }),
    });
  });

  it('reports every problem at once', () => {
    const result = readEmulatorEnv({
      EMULATOR_PORT: 'eighty',
      EMULATOR_PUBLIC_URL: 'not a url',
      EMULATOR_WEBHOOK_URL: 'http://a.test/hook',
      EMULATOR_WEBHOOK_RETRY_DELAYS_MS: '10,soon',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.join('\n');
    for (const name of ['EMULATOR_PORT', 'EMULATOR_PUBLIC_URL', 'EMULATOR_WEBHOOK_SECRET', 'EMULATOR_WEBHOOK_RETRY_DELAYS_MS', 'LOG_LEVEL']) {
      expect(problems).toContain(name);
    }
  });

  it('treats blank variables as unset and "none" as no retries', () => {
    const result = readEmulatorEnv({ EMULATOR_PORT: '', EMULATOR_WEBHOOK_RETRY_DELAYS_MS: 'none' });
    expect(result.ok && result.options.port).toBe(4243);
    expect(result.ok && result.options.webhookRetryDelaysMs).toEqual([]);
  });
});
