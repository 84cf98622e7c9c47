import { resolve } from 'node:path';
import { resetEmulator, sampleRss, sessionsCreated, type BenchServer } from '../../harness';
import { createSessionRequest } from '../../load/create-session-request';
import type { LoadResult } from '../../load/load-result';
import { measureAtSteadyRate, type SteadyRateResult } from '../../load/steady-rate';
import { measureThroughput } from '../../load/throughput';
import type { BenchContext, Section, SectionResult } from '../section';
import { assertCreatesSession } from './sanity-check';
import { summarise } from './summary';
import { startCreateSessionStack, type CreateSessionStack } from './stack';
import type { TargetRuns } from './target-runs';

/**
 * Issue 3: `POST /v1/checkout/sessions` through the gateway (real Redis, emulator upstream, no
 * added latency) against a pass-through proxy to the same emulator, in one run.
 */
export const createSessionSection: Section = {
  id: 'create-session',
  title: 'Create checkout session: gateway vs pass-through proxy',
  async run(context: BenchContext): Promise<SectionResult> {
    const { settings } = context;
    const profileDir = process.env.BENCH_CREATE_CPU_PROF?.trim();
    const stack = await startCreateSessionStack(context.build, { cpuProfileDir: profileDir ? resolve(profileDir) : undefined });
    try {
      const request = createSessionRequest(stack.gatewayApiKey, stack.stripePriceId);
      await assertCreatesSession('gateway', stack.gateway.url, request, (body) => body.object === 'checkout.session');
      await assertCreatesSession('proxy', stack.proxy.url, request, (body) => typeof body.id === 'string');

      const gatewayPid = stack.gateway.child?.pid;
      if (gatewayPid === undefined) throw new Error('the gateway has no process to sample');
      // Started before the warm-up: the first sample is the idle gateway, with mappings loaded.
      const rss = sampleRss(gatewayPid);

      for (const [name, server] of [['gateway', stack.gateway] as const, ['proxy', stack.proxy] as const]) {
        log(`warm-up ${name} (${settings.warmupSeconds} s)`);
        await measureThroughput(server.url, request, 10, settings.warmupSeconds);
      }
      const throughput = (server: BenchServer) => measureThroughput(server.url, request, settings.connections, settings.seconds);
      const latency = (server: BenchServer) => measureAtSteadyRate(server.url, request, settings.rate, settings.seconds);
      const closedLoop = `${settings.connections} connections, ${settings.seconds} s`;
      const openLoop = `steady ${settings.rate} req/s, ${settings.seconds} s`;
      // Phase by phase, both targets back to back, so slow drift of the machine hits both alike.
      const gatewayThroughput = await phase(stack, `throughput gateway: ${closedLoop}`, () => throughput(stack.gateway));
      const proxyThroughput = await phase(stack, `throughput proxy: ${closedLoop}`, () => throughput(stack.proxy));
      const gatewayLatency = await phase(stack, `latency gateway: ${openLoop}`, () => latency(stack.gateway));
      const proxyLatency = await phase(stack, `latency proxy: ${openLoop}`, () => latency(stack.proxy));
      rss.stop();

      const runs = {
        gateway: combine(gatewayThroughput, gatewayLatency),
        proxy: combine(proxyThroughput, proxyLatency),
      };
      return summarise(context, runs, { idleMiB: rss.firstMiB(), peakMiB: rss.peakMiB(), lastMiB: rss.lastMiB() }, describe(stack));
    } finally {
      await stack.stop();
    }
  },
};

/** One measured phase against a freshly reset emulator; also counts the Loops sessions it made. */
async function phase<R>(stack: CreateSessionStack, title: string, measure: () => Promise<R>): Promise<{ result: R; loopsSessions: number }> {
  log(title);
  await resetEmulator(stack.emulator.url, stack.products);
  const result = await measure();
  return { result, loopsSessions: await sessionsCreated(stack.emulator.url) };
}

function combine(
  throughput: { result: LoadResult; loopsSessions: number },
  latency: { result: SteadyRateResult; loopsSessions: number },
): TargetRuns {
  return {
    throughput: throughput.result,
    latency: latency.result,
    loopsSessions: { throughput: throughput.loopsSessions, latency: latency.loopsSessions },
  };
}

function describe(stack: CreateSessionStack): Record<string, unknown> {
  return { redis: stack.redis.external ? 'REDIS_URL (external)' : 'redis-server child', upstream: 'Loops emulator child, no added latency' };
}

function log(message: string): void {
  process.stdout.write(`  ${message}\n`);
}
