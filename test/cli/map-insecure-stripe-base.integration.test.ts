import { UsageError } from '../../src/cli/cli-env';
import { mixedCatalog } from '../helpers/mapping-catalogs';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/**
 * The mapping tool sends STRIPE_SECRET_KEY to whatever Stripe API base it is given: plain http is
 * refused unless it stays on this machine or --allow-insecure-stripe-api-base says so, and the
 * refusal comes before a single request. `0.0.0.0` plays "another machine": it is not a loopback
 * address, yet Linux still connects it to the test's own server, which counts what reached it.
 */
describe('map: a plain-http Stripe API base', () => {
  let h: MappingHarness;
  let remote: string;

  beforeAll(async () => {
    h = await startMappingHarness(mixedCatalog(), false);
    remote = `http://0.0.0.0:${h.stripe.port}`;
  });
  afterAll(() => h.close());
  beforeEach(() => h.stripe.requests.splice(0));

  it.each([
    ['STRIPE_API_BASE', [] as string[], () => ({ STRIPE_API_BASE: remote })],
    ['--stripe-api-base', ['--stripe-api-base', 'REMOTE'], () => ({})],
  ])('%s to another machine is refused before the key is sent anywhere', async (_how, args, env) => {
    const run = h.map(['--dry-run', ...args.map((arg) => (arg === 'REMOTE' ? remote : arg))], env());
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/plain http to another machine.*--allow-insecure-stripe-api-base/);
    expect(h.stripe.requests).toEqual([]);
  });

  it('the CLI prints one clear line and exits 2 (bad usage or configuration)', async () => {
    const run = await h.cli('map-products', ['--dry-run'], { STRIPE_API_BASE: remote });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      `Stripe API base "${remote}" is plain http to another machine: STRIPE_SECRET_KEY would cross the network unencrypted. Use https, or pass --allow-insecure-stripe-api-base if you mean it.`,
    );
    expect(run.stderr).not.toContain(h.env.STRIPE_SECRET_KEY);
    expect(h.stripe.requests).toEqual([]);
  }, 60_000);

  it('--allow-insecure-stripe-api-base lets the operator mean it', async () => {
    const run = await h.map(['--dry-run', '--allow-insecure-stripe-api-base'], { STRIPE_API_BASE: remote });
    expect(run.code).toBe(0);
    expect(h.stripe.requests.length).toBeGreaterThan(0);
  });

  it('plain http to loopback (stripe-mock, a test double) needs no flag', async () => {
    const run = await h.map(['--dry-run'], { STRIPE_API_BASE: `http://127.0.0.1:${h.stripe.port}` });
    expect(run.code).toBe(0);
    expect(h.stripe.requests.length).toBeGreaterThan(0);
  });
});
