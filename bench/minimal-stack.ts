import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { Redis } from 'ioredis';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { Agent, request } from 'undici';
import { luaScript } from '../src/store/lua-script';

/**
 * The floor under the gateway's create (issue 13): the least a create can cost on the gateway's own
 * stack, with none of its checks. Koa and @koa/router, the raw body read and form-parsed, one Redis
 * Lua round trip to take the idempotency key, one Loops V3 create through undici (the gateway's pool
 * settings), one Redis Lua round trip storing a record and the answer, and a 60-key JSON answer.
 * No validation, fingerprint, translation, metrics, logging or error shapes. The create
 * target (0.45 × the proxy) is about where this floor sits, so the report shows how much of the
 * gap to it is the gateway's own work.
 *
 * Run as its own process by the bench (bench/harness/processes.ts); configured by FLOOR_* env.
 */
const port = Number(process.env.FLOOR_PORT ?? '0');
const upstream = (process.env.FLOOR_UPSTREAM ?? '').replace(/\/+$/, '');
const redisUrl = process.env.FLOOR_REDIS_URL ?? '';
const prefix = process.env.FLOOR_REDIS_PREFIX ?? 'bench-floor';
if (!upstream || !redisUrl) {
  process.stderr.write('minimal stack: FLOOR_UPSTREAM and FLOOR_REDIS_URL are required\n');
  process.exit(1);
}

// The gateway's client settings for the two things it talks to.
const redis = new Redis(redisUrl, { enableAutoPipelining: false, maxRetriesPerRequest: 1 });
const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
const takeKey = luaScript(`if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', 86400) then return 1 end return 0`);
const store = luaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', 86400)
redis.call('SET', KEYS[2], ARGV[2], 'EX', 86400)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1`);
/** The 52 keys a session answer has besides the 8 taken from Loops' answer: nulls, strings and small objects. */
const FILLER = Object.fromEntries(
  Array.from({ length: 52 }, (_, i) => [`field_${i}`, i % 3 === 0 ? null : i % 3 === 1 ? 'value' : { enabled: false }]),
);

const router = new Router();
router.post('/v1/checkout/sessions', async (ctx) => {
  const form = Object.fromEntries(new URLSearchParams(await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' })));
  const key = ctx.get('Idempotency-Key') || randomUUID();
  if ((await takeKey(redis, [`${prefix}:key:${key}`], ['running'])) !== 1) {
    ctx.status = 409;
    ctx.body = { error: { message: 'key in use' } };
    return;
  }
  const response = await request(`${upstream}/api/v3/checkout/sessions`, {
    method: 'POST',
    headers: { authorization: 'Bearer floor', accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      line_items: [{ price: form['line_items[0][price]'], quantity: Number(form['line_items[0][quantity]'] ?? '1') }],
      mode: form.mode,
      success_url: form.success_url,
    }),
    dispatcher,
  });
  const loops = JSON.parse(await response.body.text()) as Record<string, unknown>;
  const session = {
    id: loops.id,
    object: 'checkout.session',
    url: loops.url,
    status: 'open',
    payment_status: loops.payment_status,
    amount_total: loops.amount_total,
    currency: loops.currency,
    created: Math.floor(Date.now() / 1000),
    ...FILLER,
  };
  const json = JSON.stringify(session);
  await store(
    redis,
    [`${prefix}:session:${String(loops.id)}`, `${prefix}:key:${key}`, `${prefix}:sessions`],
    [JSON.stringify({ version: 1, session }), JSON.stringify({ status: 200, body: json }), Date.now(), String(loops.id)],
  );
  ctx.type = 'application/json';
  ctx.body = json;
});
router.get('/healthz', (ctx) => {
  ctx.body = { status: 'ok' };
});

const app = new Koa();
app.use(router.routes());
const server = app.listen(port, '127.0.0.1');
// The same keep-alive as the gateway's server, so load-generator connections are reused alike.
server.keepAliveTimeout = 65_000;

const stop = () => {
  server.closeAllConnections();
  server.close(() => void Promise.allSettled([dispatcher.close(), redis.quit()]).finally(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
