import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { createApp } from './app';
import { Clock } from './clock';
import type { EmulatorContext } from './context';
import { startExpirySweeper } from './expiry';
import { FaultStore } from './faults';
import { IdempotencyStore } from './idempotency';
import { resolveOptions, type EmulatorOptions, type RunningEmulator } from './options';
import { EmulatorState } from './state';
import { Stats } from './stats';
import { Timers } from './timers';
import { WebhookSender } from './webhook-sender';

/** Starts a stand-alone Loops emulator (docs/loops-contract.md §6) with in-memory state. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const settings = resolveOptions(options);
  const logger = pino({ name: 'loops-emulator', level: settings.logLevel });
  const clock = new Clock();
  const timers = new Timers();
  const context: EmulatorContext = {
    config: {
      apiKeys: settings.apiKeys,
      publicUrl: '',
      sessionTtlSeconds: settings.sessionTtlSeconds,
      expirySweepIntervalMs: settings.expirySweepIntervalMs,
      honourIdempotencyKeys: settings.honourIdempotencyKeys,
    },
    state: new EmulatorState(),
    clock,
    webhooks: new WebhookSender({ targets: settings.webhooks, retryDelaysMs: settings.webhookRetryDelaysMs, signatureHeader: settings.webhookSignatureHeader, logger }),
    faults: new FaultStore(),
    idempotency: new IdempotencyStore(clock),
    stats: new Stats(),
    timers,
    logger,
  };
  const server = createServer(createApp(context).callback());
  const port = await listen(server, settings.port, settings.host);
  const url = `http://${urlHost(settings.host)}:${port}`;
  context.config.publicUrl = (settings.publicUrl ?? url).replace(/\/+$/, '');
  const stopSweeper = startExpirySweeper(context);
  logger.debug({ url, publicUrl: context.config.publicUrl }, 'loops emulator listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopSweeper();
      timers.close();
      await context.webhooks.close();
      await stopServer(server);
    })();
    return closing;
  };
  return { url, port, close };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('emulator server has no port'));
    });
  });
}

/** Hung requests and keep-alive sockets would keep `close` waiting: cut them all. */
function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
