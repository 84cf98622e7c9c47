import { createServer } from 'node:http';
import { ConfigError, loadConfig } from './config';
import { createContainer } from './container';
import { answerMalformedHttp } from './http/malformed-http';
import { createLogger } from './observability/logger';
import { sandboxBanner, startSandboxLoops, SANDBOX_CATALOG } from './sandbox/sandbox';

/** Longer than the slowest request (Loops timeout × attempts) and a webhook delivery attempt. */
const SHUTDOWN_DEADLINE_MS = 45_000;

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
  const server = createServer(container.app.callback());
  answerMalformedHttp(server);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host, port }, 'gateway listening');
  if (sandbox) process.stdout.write(`${sandboxBanner(config, port, sandbox.emulator.url, sandbox.catalog)}\n`);

  let stopping = false;
  /**
   * SIGTERM: stop accepting connections, let requests in flight finish (answering them with
   * `Connection: close` so keep-alive clients move to another instance), and at the same time stop
   * the delivery worker taking new jobs while its attempts in flight finish (a job picked up during
   * the drain could be cut off by the deadline); then close Redis. /readyz says "not ready" from
   * the first moment, so a load balancer stops sending traffic. A hard deadline bounds it all.
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
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
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
