// Runs one example against the gateway's zero-config sandbox in one command, from a checkout of
// this repository (after `npm ci`):
//
//   node examples/with-sandbox.js one-time-shop
//   node examples/with-sandbox.js saas-subscriptions
//
// It starts the gateway as `npm start` does, with nothing pointing at a real Loops (so it is the
// sandbox: in-memory stores and the Loops emulator in-process), a fixed test key, a whsec_ secret
// and the example's /webhook as its webhook endpoint; runs the example's seed script if it has
// one; then starts the example with the matching STRIPE_* variables. Ctrl-C stops both.
//
// Ports: APP_PORT (3000), GATEWAY_PORT (4242), EMULATOR_PORT (4243).
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

// Obviously fake keys, the same on every run so the README can show them.
const API_KEY = 'sk_test_examples_sandbox';
const WEBHOOK_SECRET = 'whsec_examples_sandbox';

const EXAMPLES = {
  // The sandbox's own catalog (mappings/example.json) has the T-shirt this shop sells.
  'one-time-shop': { env: { PRICE: 'price_sandbox_tshirt' }, before: [] },
  // This app creates its catalog through the API first, as its README says.
  'saas-subscriptions': { env: {}, before: ['seed.js'] },
};

const name = process.argv[2];
const example = EXAMPLES[name];
if (!example) {
  console.error(`usage: node examples/with-sandbox.js <${Object.keys(EXAMPLES).join('|')}>`);
  process.exit(2);
}
const exampleDir = path.join(__dirname, name);
const appPort = process.env.APP_PORT || '3000';
const gatewayPort = process.env.GATEWAY_PORT || '4242';
const emulatorPort = process.env.EMULATOR_PORT || '4243';

// Variables that would turn the sandbox into a real deployment (or change its ports) are not passed on.
const inherited = { ...process.env };
for (const variable of ['LOOPS_API_KEY', 'LOOPS_API_BASE', 'TENANTS_FILE', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'PORT', 'HOST'])
  delete inherited[variable];

const gatewayEnv = {
  ...inherited,
  PORT: gatewayPort,
  HOST: '127.0.0.1',
  EMULATOR_PORT: emulatorPort,
  GATEWAY_API_KEYS: API_KEY,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  WEBHOOK_ENDPOINTS: `http://127.0.0.1:${appPort}/webhook`,
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
};
const appEnv = {
  ...example.env,
  ...inherited,
  PORT: appPort,
  STRIPE_SECRET_KEY: API_KEY,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_HOST: '127.0.0.1',
  STRIPE_API_PORT: gatewayPort,
  STRIPE_API_PROTOCOL: 'http',
};

const children = new Set();
let stopping = false;

function run(label, args, cwd, env) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${label}] ${line}\n`);
    });
    stream.on('end', () => rest && out.write(`[${label}] ${rest}\n`));
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  child.exited.then(() => children.delete(child));
  return child;
}

async function waitUntil(label, url, ok, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(url).then(ok, () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${label} not ready at ${url} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  const killLater = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 30_000);
  await Promise.all([...children].map((child) => child.exited));
  clearTimeout(killLater);
  process.exit(code);
}

async function main() {
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  // The start-up options `npm start` and the image give node (src/node-flags.ts).
  const gateway = run('gateway', ['--max-semi-space-size=8', '--import', 'tsx', path.join(ROOT, 'src', 'main.ts')], ROOT, gatewayEnv);
  gateway.exited.then((code) => !stopping && (console.error(`gateway exited (${code})`), stop(1)));
  await waitUntil('gateway', `${gatewayUrl}/readyz`, (response) => response.status === 200, gateway, 60_000);

  for (const script of example.before) {
    const step = run(script, [script], exampleDir, appEnv);
    const code = await step.exited;
    if (code !== 0) throw new Error(`${script} failed (exit ${code})`);
  }

  const app = run(name, ['server.js'], exampleDir, appEnv);
  app.exited.then((code) => !stopping && (console.error(`${name} exited (${code})`), stop(1)));
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitUntil(name, `${appUrl}/`, () => true, app, 30_000);
  console.log(`\n${name} is running: open ${appUrl}\n  Stripe API: the gateway sandbox at ${gatewayUrl} (key ${API_KEY})`);
  console.log(`  Loops emulator: http://127.0.0.1:${emulatorPort}\n  Ctrl-C stops both.\n`);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
main().catch((error) => {
  console.error(error.message);
  stop(1);
});
