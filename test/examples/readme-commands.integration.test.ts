import { join } from 'node:path';
import { freePort } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { EXAMPLE_KEYS, localStripe, ROOT } from './support/example-process';
import { blockContaining, blockUnder, onPorts, shellCommands } from './support/markdown-commands';
import { baseEnv, runCommand, startGroup, type GroupProcess } from './support/process-group';

/**
 * The commands the READMEs print, taken from their code blocks and run as printed against a
 * sandbox, so a README cannot drift from what works. The one change made to a command is the
 * ports: the defaults (gateway 4242, emulator 4243, app 3000) become free ones, given to the
 * processes through PORT / EMULATOR_PORT and replaced in the command text (onPorts), because fixed
 * ports cannot be relied on on a machine running several suites.
 *
 * Run here:
 * - README "Two commands": `npm start` (the sandbox), and its banner's `node -e` snippet and `curl`
 *   exactly as the sandbox prints them;
 * - README's JavaScript snippet, with the key the sandbox printed in place of `sk_test_sandbox_…`
 *   and wrapped in an async function (it uses `await` at the top level), then its comment: open
 *   `session.url`, press Pay, land on the success URL;
 * - README "Examples": `node examples/with-sandbox.js one-time-shop` (the browser suites in this
 *   folder run both of that block's commands and click through the apps);
 * - each example README's "The same in two terminals" block, and the test-clock `curl` of
 *   examples/saas-subscriptions/README.md.
 *
 * Not run, and why:
 * - `npm ci` (README "Two commands") would reinstall node_modules under the running suite; CI runs
 *   it (.ci/run) right before `npm test`, which is this suite itself;
 * - README "Mapping your catalog" (`npm run map`, `mappings verify`) needs a Stripe account
 *   (`STRIPE_SECRET_KEY=sk_live_…` is a placeholder), a Loops account and network access; the
 *   mapping tool's own suites (test/cli) run it against a Stripe-compatible fake;
 * - the examples' "Run it against Stripe" blocks need a Stripe account and network access;
 * - README "Deploying" (`docker build`, `docker compose up`) needs a Docker daemon; test/deploy
 *   checks those files statically.
 */

const STARTUP_MS = 60_000;

describe('README.md: the sandbox and the commands it prints', () => {
  let sandbox: GroupProcess;
  let ports: { gateway: number; emulator: number };
  let banner: string;
  let key: string;

  beforeAll(async () => {
    const commands = shellCommands(blockUnder('README.md', 'Two commands', 'sh'));
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
    ports = { gateway: await freePort(), emulator: await freePort() };
    sandbox = startGroup('sh', ['-c', 'npm start'], {
      cwd: ROOT,
      env: baseEnv({ PORT: String(ports.gateway), EMULATOR_PORT: String(ports.emulator) }),
    });
    banner = (await sandbox.waitForOutput(/SANDBOX[\s\S]*\n\s*curl [^\n]*\n/, STARTUP_MS))[0];
    key = /test API key\s+(\S+)/.exec(banner)?.[1] ?? '';
  }, STARTUP_MS + 10_000);
  afterAll(async () => {
    await sandbox?.close();
  }, 30_000);

  it('npm start with nothing configured is the sandbox: a test key, the emulator, the prices', () => {
    expect(key).toMatch(/^sk_test_sandbox_[0-9a-f]+$/);
    expect(banner).toContain(`gateway         http://127.0.0.1:${ports.gateway}`);
    expect(banner).toContain(`Loops emulator  http://127.0.0.1:${ports.emulator}`);
    expect(banner).toMatch(/prices\s+.*price_sandbox_tshirt/);
  }, 60_000);

  it("the README's JavaScript snippet makes a session; Pay on its url lands on the success URL", async () => {
    const snippet = onPorts(blockUnder('README.md', 'Two commands', 'js'), ports);
    expect(snippet).toContain("'sk_test_sandbox_…'");
    const script =
      `(async () => {\n${snippet.replace("'sk_test_sandbox_…'", `'${key}'`)}\n` +
      'console.log(JSON.stringify({ id: session.id, url: session.url }));\n})().catch((e) => { console.error(e); process.exit(1); });';
    const run = await runCommand([process.execPath, '-e', script], { cwd: ROOT, env: baseEnv({}) });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const session = JSON.parse(run.stdout) as { id: string; url: string };
    expect(session.url).toBe(`http://127.0.0.1:${ports.emulator}/checkout/${session.id}`);

    // "open session.url, press Pay on the emulated Loops page, land on your success URL"
    const page = await fetch(session.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('T-shirt');
    const pay = await fetch(`${session.url}/pay`, { method: 'POST', body: new URLSearchParams({ email: '', name: '' }), redirect: 'manual' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toMatch(new RegExp(`^https://example\\.com/success\\?session_id=${session.id}&`));
    const stripe = localStripe(key, ports.gateway);
    await waitFor(async () => (await stripe.checkout.sessions.retrieve(session.id)).status === 'complete', 10_000, 'the paid session');
  }, 60_000);

  it("the banner's node -e snippet works as printed", async () => {
    const command = /^\s*(node -e .*)$/m.exec(banner)?.[1] ?? '';
    expect(command).toContain(`port: ${ports.gateway}`);
    const run = await runCommand(command, { cwd: ROOT, env: baseEnv({}) });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(new RegExp(`^cs_\\S+ http://127\\.0\\.0\\.1:${ports.emulator}/checkout/cs_\\S+$`));
  }, 60_000);

  it("the banner's curl works as printed", async () => {
    const command = /^\s*(curl .*)$/m.exec(banner)?.[1] ?? '';
    const run = await runCommand(command, { cwd: ROOT, env: baseEnv({}) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      amount_total: 2000,
      currency: 'usd',
      mode: 'payment',
    });
  }, 60_000);

  // Last: it moves the sandbox's clock 15 days on, past every session above.
  it("examples/saas-subscriptions/README.md's test-clock curl advances the emulator's clock", async () => {
    const [command = '', ...rest] = shellCommands(blockContaining('examples/saas-subscriptions/README.md', 'clock/advance'));
    expect(rest).toEqual([]);
    const run = await runCommand(onPorts(command, ports), { cwd: ROOT, env: baseEnv({}) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ offsetSeconds: 15 * 86_400 });
  }, 60_000);
});

describe('README.md "Examples"', () => {
  it('runs each example with `node examples/with-sandbox.js <name>`; the one-time shop answers as printed', async () => {
    const commands = shellCommands(blockUnder('README.md', 'Examples', 'sh'));
    // The browser suites (startExample) run exactly these commands.
    expect(commands).toEqual(['node examples/with-sandbox.js one-time-shop', 'node examples/with-sandbox.js saas-subscriptions']);
    const ports = { gateway: await freePort(), emulator: await freePort(), app: await freePort() };
    const launcher = startGroup('sh', ['-c', commands[0] ?? ''], {
      cwd: ROOT,
      env: baseEnv({ APP_PORT: String(ports.app), GATEWAY_PORT: String(ports.gateway), EMULATOR_PORT: String(ports.emulator) }),
    });
    try {
      await launcher.waitForOutput(/one-time-shop is running: open (\S+)/, STARTUP_MS);
      const shop = await fetch(`http://127.0.0.1:${ports.app}/`).then((r) => r.text());
      expect(shop).toContain('<h1 id="product-name">T-shirt</h1>');
    } finally {
      await launcher.close();
    }
  }, 100_000);
});

/** Terminal 1 (repository root) and terminal 2 (the example's folder) of an example README's two-terminal block. */
async function runTwoTerminals(example: string, check: (ports: { gateway: number; emulator: number; app: number }) => Promise<void>) {
  const [terminal1 = '', ...terminal2] = shellCommands(blockUnder(`examples/${example}/README.md`, 'The same in two terminals', 'sh'));
  expect(terminal1).toMatch(/ npm start$/);
  const ports = { gateway: await freePort(), emulator: await freePort(), app: await freePort() };
  const gateway = startGroup('sh', ['-c', onPorts(terminal1, ports)], {
    cwd: ROOT,
    env: baseEnv({ PORT: String(ports.gateway), EMULATOR_PORT: String(ports.emulator) }),
  });
  let app: GroupProcess | undefined;
  try {
    await gateway.waitForOutput(/SANDBOX/, STARTUP_MS);
    app = startGroup('sh', ['-c', onPorts(terminal2.join('\n'), ports)], {
      cwd: join(ROOT, 'examples', example),
      env: baseEnv({ PORT: String(ports.app) }),
    });
    await app.waitForOutput(new RegExp(`${example} listening on`), STARTUP_MS);
    await check(ports);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- terminal 1:\n${gateway.output()}\n--- terminal 2:\n${app?.output() ?? ''}`);
  } finally {
    await app?.close();
    await gateway.close();
  }
}

describe('examples/*/README.md "The same in two terminals"', () => {
  it('one-time-shop: the gateway sandbox and the shop; a paid checkout marks the order paid', async () => {
    await runTwoTerminals('one-time-shop', async (ports) => {
      const shop = `http://127.0.0.1:${ports.app}`;
      expect(await fetch(`${shop}/`).then((r) => r.text())).toContain('<h1 id="product-name">T-shirt</h1>');
      const buy = await fetch(`${shop}/checkout`, { method: 'POST', body: new URLSearchParams({ quantity: '1' }), redirect: 'manual' });
      const location = buy.headers.get('location') ?? '';
      expect(location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ports.emulator}/checkout/cs_`));
      const sessionId = location.split('/').pop() ?? '';
      const complete = await fetch(`http://127.0.0.1:${ports.emulator}/_emulator/sessions/${sessionId}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(complete.status).toBe(200);
      const orderId = (await localStripe(EXAMPLE_KEYS.apiKey, ports.gateway).checkout.sessions.retrieve(sessionId)).client_reference_id;
      await waitFor(
        async () => (await fetch(`${shop}/orders/${orderId}`).then((r) => r.text())).includes('<span id="order-status" class="status">paid</span>'),
        20_000,
        'the order marked paid by the webhook',
      );
    });
  }, 150_000);

  it('saas-subscriptions: the gateway sandbox, the seed script, the app; the pricing page lists the seeded plans', async () => {
    await runTwoTerminals('saas-subscriptions', async (ports) => {
      const pricing = await fetch(`http://127.0.0.1:${ports.app}/`).then((r) => r.text());
      expect(pricing).toContain('<div class="plan" id="plan-starter_monthly"><h2>Starter</h2>');
      expect(pricing).toContain('<div class="plan" id="plan-pro_monthly"><h2>Pro</h2>');
    });
  }, 150_000);
});
