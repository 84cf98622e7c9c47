// First: V8's heap growth applies from start-up on (heap-growth.ts).
import './heap-growth';
import { ConfigError, loadConfig } from './config';
import { createContainer } from './container';
import { createHttpServer } from './http/http-server';
import { GATEWAY_NODE_FLAGS, missingNodeFlags } from './node-flags';
import { createLogger } from './observability/logger';
import { sandboxBanner, startSandboxLoops, SANDBOX_CATALOG } from './sandbox/sandbox';

/**
 * The whole shutdown, well inside Kubernetes' default 30 s grace period (and compose's
 * stop_grace_period) so the process is never SIGKILLed halfway.
 */
const SHUTDOWN_DEADLINE_MS = 25_000;
/**
 * How long requests in flight may still run; then every connection still open is destroyed, which
 * leaves the rest of the deadline for closing the queue and Redis (each bounded, a few seconds).
 * A request cut off here was not answered, so its client retries it (stripe-node retries a
 * dropped connection with the same idempotency key).
 */
const REQUEST_DRAIN_MS = 20_000;

/** Process entry: config → (sandbox Loops) → container → listen; drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length > 0)
    logger.warn(
      { missing },
      `node was started without the gateway's start-up options: expect about 20 MiB more resident memory under load. Start it as the image does: node ${GATEWAY_NODE_FLAGS.join(' ')} dist/main.js`,
    );
  if (config.redis.kind === 'memory')
    logger.warn('REDIS_URL is not set: using in-memory stores. NOT FOR PRODUCTION: nothing survives a restart and instances share nothing.');

  const sandbox = config.sandbox ? await startSandboxLoops(config, logger) : undefined;
  const container = createContainer(config, { logger });
  await container.loadMappings();
  if (sandbox && Object.keys(sandbox.catalog.prices).length > 0) {
    await container.stores.mappings.replaceAll('default', sandbox.catalog);
    logger.info({ catalog: SANDBOX_CATALOG }, 'sandbox catalog loaded');
  }

  container.startBackground();
  const http = createHttpServer(container.app.callback(), config.http);
  await new Promise<void>((resolve) => http.server.listen(config.port, config.host, resolve));
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host, port }, 'gateway listening');
  if (sandbox) process.stdout.write(`${sandboxBanner(config, port, sandbox.emulator.url, sandbox.catalog)}\n`);

  let stopping = false;
  /**
   * SIGTERM: stop accepting connections, close idle keep-alive connections, let requests in flight
   * finish (answering them with `Connection: close` so keep-alive clients move to another
   * instance) for at most REQUEST_DRAIN_MS, and at the same time stop the delivery worker taking
   * new jobs while its attempts in flight finish (a job picked up during the drain could be cut
   * off by the deadline); then close Redis. A client stalled mid-request does not hold this up:
   * it is answered 408 and dropped at its header or body deadline (HTTP_*_TIMEOUT_MS). /readyz
   * says "not ready" from the first moment, so a load balancer stops sending traffic. A hard
   * deadline bounds it all.
   *
   * Redis unreachable does not hold shutdown up: nothing waits on it (closeRedisClient, the
   * worker's bounded close). A delivery attempt whose result cannot be recorded then stays active
   * in Redis, and BullMQ's stalled-job check puts it back in line once its lock expires, so
   * nothing is lost and the exit is 0; only the deadline, with work cut off, exits 1.
   */
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: finishing in-flight requests and deliveries');
    container.drain();
    const deadline = setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting with work unfinished (queued deliveries stay queued)');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    const closed = http.drain(REQUEST_DRAIN_MS, () =>
      logger.warn({ afterMs: REQUEST_DRAIN_MS }, 'requests still in flight after the drain; closing their connections'),
    );
    await Promise.all([closed, container.stopBackground()]);
    await container.close();
    await sandbox?.emulator.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
