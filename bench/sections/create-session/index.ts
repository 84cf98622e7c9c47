import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleRss, type BenchServer, type RssSampler } from '../../harness';
import { createSessionRequest } from '../../load/create-session-request';
import { measureAtSteadyRate } from '../../load/steady-rate';
import { measureThroughput } from '../../load/throughput';
import type { BenchContext, Section, SectionResult } from '../section';
import { withPhaseCpu } from './phase-cpu';
import { assertCreatesSession } from './sanity-check';
import { summarise, type UpstreamRuns } from './summary';
import { startCreateSessionStack, type UpstreamPair } from './stack';
import type { PhaseCpu, TargetRuns } from './target-runs';

/**
 * Issues 3 and 13: `POST /v1/checkout/sessions` through the gateway (real Redis) against a
 * pass-through proxy, in front of two upstreams in one run: the lean upstream (bench/lean-loops.ts,
 * the headline: nothing but the proxy can saturate) and the Loops emulator.
 */
export const createSessionSection: Section = {
  id: 'create-session',
  title: 'Create checkout session: gateway vs pass-through proxy',
  async run(context: BenchContext): Promise<SectionResult> {
    const profileDir = process.env.BENCH_CREATE_CPU_PROF?.trim();
    const stack = await startCreateSessionStack(context.build, { cpuProfileDir: profileDir ? resolve(profileDir) : undefined });
    try {
      const request = createSessionRequest(stack.gatewayApiKey, stack.stripePriceId);
      const upstreams: UpstreamRuns[] = [];
      for (const pair of stack.pairs) upstreams.push(await measurePair(context, pair, request));
      return summarise(context, upstreams, describe(stack.redis.external));
    } finally {
      await stack.stop();
    }
  },
};

async function measurePair(context: BenchContext, pair: UpstreamPair, request: ReturnType<typeof createSessionRequest>): Promise<UpstreamRuns> {
  const { settings } = context;
  log(`upstream: ${pair.upstream}`);
  await assertCreatesSession(`gateway (${pair.upstream})`, pair.gateway.url, request, (body) => body.object === 'checkout.session');
  await assertCreatesSession(`proxy (${pair.upstream})`, pair.proxy.url, request, (body) => typeof body.id === 'string');
  if (pair.floor)
    await assertCreatesSession(`minimal stack (${pair.upstream})`, pair.floor.url, request, (body) => body.object === 'checkout.session');

  const pid = (server: BenchServer, name: string) => {
    const found = server.child?.pid;
    if (found === undefined) throw new Error(`the ${name} has no process to sample`);
    return found;
  };
  const pids = { gateway: pid(pair.gateway, 'gateway'), proxy: pid(pair.proxy, 'proxy'), upstream: pid(pair.loops, 'upstream') };
  // Started before the warm-up: the first sample is the idle gateway, with mappings loaded.
  const rss: RssSampler = sampleRss(pids.gateway);

  const warmUps = [
    ['gateway', pair.gateway] as const,
    ['proxy', pair.proxy] as const,
    ...(pair.floor ? [['minimal stack', pair.floor] as const] : []),
  ];
  for (const [name, server] of warmUps) {
    log(`warm-up ${name} (${settings.warmupSeconds} s)`);
    await measureThroughput(server.url, request, 10, settings.warmupSeconds);
  }
  const closedLoop = `${settings.connections} connections, ${settings.seconds} s`;
  const openLoop = `steady ${settings.rate} req/s, ${settings.seconds} s`;
  const throughput = (server: BenchServer, target: number) =>
    phase(pair, { target, upstream: pids.upstream }, `throughput ${nameOf(server, pair)}: ${closedLoop}`, () =>
      measureThroughput(server.url, request, settings.connections, settings.seconds),
    );
  const latency = (server: BenchServer, target: number) =>
    phase(pair, { target, upstream: pids.upstream }, `latency ${nameOf(server, pair)}: ${openLoop}`, () =>
      measureAtSteadyRate(server.url, request, settings.rate, settings.seconds),
    );
  // Phase by phase, both targets back to back, so slow drift of the machine hits both alike.
  const gatewayThroughput = await throughput(pair.gateway, pids.gateway);
  const proxyThroughput = await throughput(pair.proxy, pids.proxy);
  // The floor: closed loop only (it answers a create, nothing else a latency phase would tell).
  const floorThroughput = pair.floor ? await throughput(pair.floor, pid(pair.floor, 'minimal stack')) : undefined;
  const gatewayLatency = await latency(pair.gateway, pids.gateway);
  const proxyLatency = await latency(pair.proxy, pids.proxy);
  rss.stop();
  return {
    upstream: pair.upstream,
    gateway: combine(gatewayThroughput, gatewayLatency),
    proxy: combine(proxyThroughput, proxyLatency),
    ...(floorThroughput
      ? { floor: { throughput: floorThroughput.result, loopsSessions: floorThroughput.loopsSessions, cpu: floorThroughput.cpu } }
      : {}),
    rss: { idleMiB: rss.firstMiB(), peakMiB: rss.peakMiB(), lastMiB: rss.lastMiB() },
  };
}

type Measured<R> = { result: R; loopsSessions: number; cpu: PhaseCpu };

/** One measured phase against a freshly reset upstream; counts the Loops sessions it made and the CPU each party used. */
async function phase<R>(
  pair: UpstreamPair,
  pids: { target: number; upstream: number },
  title: string,
  measure: () => Promise<R>,
): Promise<Measured<R>> {
  log(title);
  // Requests the last phase cut off may still reach the upstream: let them land before the reset.
  await settled(pair);
  await pair.reset();
  const { result, cpu } = await withPhaseCpu(pids, measure);
  return { result, cpu, loopsSessions: await settled(pair) };
}

/** The upstream's session count once it stopped moving (no change for 300 ms; at most 5 s). */
async function settled(pair: UpstreamPair): Promise<number> {
  let last = await pair.sessionsCreated();
  for (let round = 0; round < 16; round++) {
    await sleep(300);
    const now = await pair.sessionsCreated();
    if (now === last) return now;
    last = now;
  }
  return last;
}

function combine(throughput: Measured<TargetRuns['throughput']>, latency: Measured<TargetRuns['latency']>): TargetRuns {
  return {
    throughput: throughput.result,
    latency: latency.result,
    loopsSessions: { throughput: throughput.loopsSessions, latency: latency.loopsSessions },
    cpu: { throughput: throughput.cpu, latency: latency.cpu },
  };
}

function nameOf(server: BenchServer, pair: UpstreamPair): string {
  const name = server === pair.gateway ? 'gateway' : server === pair.proxy ? 'proxy' : 'minimal stack';
  return `${name} (${pair.upstream})`;
}

function describe(externalRedis: boolean): Record<string, unknown> {
  return {
    redis: externalRedis ? 'REDIS_URL (external)' : 'redis-server child',
    upstreams: 'lean upstream child (bench/lean-loops.ts); Loops emulator child, no added latency',
    floor: 'minimal stack child (bench/minimal-stack.ts), lean upstream only',
  };
}

function log(message: string): void {
  process.stdout.write(`  ${message}\n`);
}
