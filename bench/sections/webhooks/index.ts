import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleRss } from '../../harness';
import type { BenchContext, Section, SectionResult } from '../section';
import { analyse } from './analyse';
import { cpuBetween, cpuSnapshot } from './cpu-usage';
import { gatewayMemory } from './gateway-memory';
import { sendLoopsEvents } from './send-events';
import { prepareEvents, type PreparedEvent } from './setup';
import { KEYS, startWebhookStack, type WebhookStack } from './stack';
import { summarise, WEBHOOKS_SECTION } from './summary';
import { waitForDeliveries } from './wait-deliveries';

/** After the last expected delivery, listen this much longer for duplicates. */
const LINGER_MS = 2_000;
/** After the last Loops event is answered, wait at most this long for the deliveries. */
const DELIVERY_DEADLINE_MS = 120_000;
const WARMUP_DEADLINE_MS = 30_000;

/**
 * Issue 4: N signed Loops `checkout.session.completed` events into `POST /webhooks/loops` of one
 * gateway (real Redis, BullMQ delivery), N Stripe-signed deliveries out at a local receiver that
 * verifies each as stripe-node does. End-to-end events/s, delivery lag, lost, duplicated.
 */
export const webhooksSection: Section = {
  ...WEBHOOKS_SECTION,
  async run(context: BenchContext): Promise<SectionResult> {
    const { settings } = context;
    const count = settings.webhookEvents;
    const concurrency = settings.connections;
    const warmupCount = Math.min(200, Math.ceil(count / 10));
    const profileDir = process.env.BENCH_WEBHOOK_CPU_PROF?.trim();
    const cpuProfileDir = profileDir ? resolve(profileDir) : undefined;
    const loadAtStart = loadavg()[0] ?? 0;

    const stack = await startWebhookStack(context.build, { cpuProfileDir });
    try {
      log(`setup (not timed): ${(count + warmupCount).toLocaleString('en-US')} checkout sessions through the gateway, ${concurrency} at a time`);
      const memoryAtStart = await gatewayMemory(stack.gateway.url);
      const setupStarted = performance.now();
      const prepared = await prepareEvents({
        gatewayUrl: stack.gateway.url,
        gatewayApiKey: stack.gatewayApiKey,
        stripePriceId: stack.stripePriceId,
        emulatorUrl: stack.emulator.url,
        loopsApiKey: KEYS.loops,
        count: count + warmupCount,
        concurrency,
      });
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      const warmup = prepared.slice(0, warmupCount);
      const measured = prepared.slice(warmupCount);

      log(`warm-up: ${warmupCount} events, each must be delivered`);
      await warmUp(stack, warmup, concurrency);

      const gatewayPid = stack.gateway.child?.pid;
      if (gatewayPid === undefined) throw new Error('the gateway has no process to sample');
      const memoryAfterSetup = await gatewayMemory(stack.gateway.url);
      const rss = sampleRss(gatewayPid);
      const pids = { gateway: gatewayPid, receiver: stack.receiver.child?.pid, emulator: stack.emulator.child?.pid };
      const cpuBefore = await cpuSnapshot(pids, stack.redis.url);

      log(`measured: ${count.toLocaleString('en-US')} signed Loops events to /webhooks/loops, ${concurrency} at a time`);
      const sent = await sendLoopsEvents({ gatewayUrl: stack.gateway.url, secret: KEYS.loopsWebhook, events: measured, concurrency });
      log(`  all answered; waiting for the deliveries (at most ${DELIVERY_DEADLINE_MS / 1000} s)`);
      const waited = await waitForDeliveries(stack.receiver, stack.gateway.child, count, Date.now() + DELIVERY_DEADLINE_MS, log);
      const cpu = cpuBetween(cpuBefore, await cpuSnapshot(pids, stack.redis.url));
      const memoryAfterRun = await gatewayMemory(stack.gateway.url);
      log(`  ${waited.complete ? 'all delivered' : 'deadline passed'}; listening ${LINGER_MS / 1000} s more for duplicates`);
      await sleep(LINGER_MS);
      rss.stop();
      const records = await stack.receiver.records();

      const figures = analyse(measured, sent, records);
      return summarise(figures, {
        concurrency,
        warmupEvents: warmupCount,
        setupSeconds,
        deliveryDeadlineSeconds: DELIVERY_DEADLINE_MS / 1000,
        lingerSeconds: LINGER_MS / 1000,
        deadlinePassed: !waited.complete,
        rssMiB: { afterSetup: rss.firstMiB(), peak: rss.peakMiB(), last: rss.lastMiB() },
        memory: { atStart: memoryAtStart, afterSetup: memoryAfterSetup, afterRun: memoryAfterRun },
        cpuSeconds: cpu,
        loadAverage: { atStart: round2(loadAtStart), atEnd: round2(loadavg()[0] ?? 0) },
        redis: stack.redis.external ? 'REDIS_URL (external)' : 'redis-server child',
        gatewayEnv: stack.gatewayEnv,
        cpuProfileDir,
      });
    } finally {
      await stack.stop();
    }
  },
};

/**
 * A few hundred events through the whole path before anything is timed: the gateway's JIT, its
 * connections to Redis and the receiver, and BullMQ's scripts are warm, and a stack that does
 * not deliver at all fails here, with the gateway's output, instead of after a 2-minute wait.
 */
async function warmUp(stack: WebhookStack, events: PreparedEvent[], concurrency: number): Promise<void> {
  const sent = await sendLoopsEvents({ gatewayUrl: stack.gateway.url, secret: KEYS.loopsWebhook, events, concurrency });
  const refused = [...sent.status].filter((status) => status < 200 || status >= 300).length;
  if (refused > 0) throw new Error(`warm-up: /webhooks/loops refused ${refused} events: ${sent.errorSamples.join(' | ')}`);
  const waited = await waitForDeliveries(stack.receiver, stack.gateway.child, events.length, Date.now() + WARMUP_DEADLINE_MS, () => undefined);
  if (!waited.complete) {
    const records = await stack.receiver.records();
    throw new Error(
      `warm-up: ${waited.stats.completedSessions} of ${events.length} deliveries arrived within ${WARMUP_DEADLINE_MS / 1000} s ` +
        `(signature failures ${records.signatureFailures}: ${records.failureSamples.join(' | ')}):\n${stack.gateway.child?.output() ?? ''}`,
    );
  }
  await stack.receiver.reset();
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function log(message: string): void {
  process.stdout.write(`  ${message}\n`);
}
