import pino from 'pino';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import { createStores } from '../store/create-stores';
import { createRedisClient } from '../store/redis-connection';
import { createDeliveryQueue } from '../webhooks/create-delivery-queue';
import { replayEvent, undeliveredOnly } from '../webhooks/replay-event';

const USAGE = `Usage: npm run webhooks -- <command>
  failed [--limit N]                      list deliveries that used up their retries
  replay <evt_id> [--tenant T] [--force]  send one event now to the endpoints that have not answered 2xx for it
                                          (failed and still-retrying deliveries included); --force: to every endpoint
  replay --all-failed                     put every failed delivery back in line with a fresh retry budget
Reads the gateway's configuration from the environment (REDIS_URL, TENANTS_FILE, …).`;

/** Operator commands for webhook deliveries; works against the same Redis as the gateways. */
async function main(argv: string[]): Promise<number> {
  const config = loadConfig(process.env);
  if (config.redis.kind === 'memory') throw new ConfigError(['REDIS_URL: the delivery queue lives in Redis; set REDIS_URL (or REDIS_CLUSTER_NODES)']);
  const logger = createLogger('warn', pino.destination({ fd: 2, sync: true }));
  const redis = createRedisClient(config.redis, logger);
  const stores = createStores(config, redis, Date.now);
  const queue = createDeliveryQueue(config, redis, async () => undefined, logger);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  try {
    const [command, target] = argv;
    if (command === 'failed') {
      const failed = await queue.failed(Number(flag('--limit') ?? 100));
      for (const f of failed)
        console.log(
          [f.eventId, f.tenantId, f.endpointUrl, `attempts=${f.attempts}`, f.failedAt ? new Date(f.failedAt).toISOString() : '-', f.lastError].join(
            '\t',
          ),
        );
      console.log(`${failed.length} failed deliver${failed.length === 1 ? 'y' : 'ies'}`);
      return 0;
    }
    if (command === 'replay' && target === '--all-failed') {
      console.log(`replayed ${await queue.replayFailed(undeliveredOnly(stores.events))} failed deliveries`);
      return 0;
    }
    if (command === 'replay' && target?.startsWith('evt_')) {
      const tenantId = flag('--tenant') ?? 'default';
      const tenant = config.tenants.find((t) => t.id === tenantId);
      const event = tenant && (await stores.events.get(tenantId, target));
      if (!tenant || !event) {
        console.error(`No such event: ${target} (tenant ${tenantId}; events are kept 30 days)`);
        return 1;
      }
      const force = argv.includes('--force');
      const summary = await replayEvent({ events: stores.events, queue, tenant, now: Date.now }, event, { force });
      const label = `${target} (${event.type})`;
      if (force) console.log(`queued ${label} again for ${summary.queuedAfresh} endpoint(s)`);
      else if (summary.retriedNow + summary.queuedAfresh === 0)
        console.log(`${label} was delivered to all ${summary.endpoints} endpoint(s); nothing to replay (--force sends it again)`);
      else
        console.log(
          `replay ${label}: ${summary.retriedNow} delivery(ies) retried now, ${summary.queuedAfresh} queued afresh; ` +
            `${summary.alreadyDelivered} of ${summary.endpoints} endpoint(s) already have it`,
        );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  },
);
