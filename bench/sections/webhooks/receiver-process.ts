import { join } from 'node:path';
import { freePort, spawnChild, waitForHttp, type BenchServer } from '../../harness';
import { WEBHOOK_PATH, type ReceiverRecords, type ReceiverStats } from './receiver-api';

export interface WebhookReceiver extends BenchServer {
  /** The URL the gateway delivers to (WEBHOOK_ENDPOINTS). */
  webhookUrl: string;
  stats(): Promise<ReceiverStats>;
  records(): Promise<ReceiverRecords>;
  /** Forgets everything received so far (between the warm-up and the measured phase). */
  reset(): Promise<void>;
}

/** receiver.ts in its own process, like the gateway, so verifying deliveries does not share the load generator's CPU. */
export async function startReceiverProcess(secret: string): Promise<WebhookReceiver> {
  const port = await freePort();
  const child = spawnChild('webhook receiver', process.execPath, ['--import', 'tsx', join(__dirname, 'receiver.ts')], {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    RECEIVER_PORT: String(port),
    RECEIVER_SECRET: secret,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child);
  const call = async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { method, signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`webhook receiver ${method} ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    url,
    child,
    stop: child.stop,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    stats: () => call<ReceiverStats>('GET', '/_bench/stats'),
    records: () => call<ReceiverRecords>('GET', '/_bench/records'),
    reset: async () => {
      await call<unknown>('POST', '/_bench/reset');
    },
  };
}
