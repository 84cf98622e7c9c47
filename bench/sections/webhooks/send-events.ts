import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { forEachBounded } from './bounded';
import type { PreparedEvent } from './setup';

/** Per event, by index: when it left, when the gateway answered, and the answer. */
export interface SendResult {
  /** ms since the epoch (performance.timeOrigin + performance.now()), comparable with the receiver's arrival times. */
  sentAt: Float64Array;
  ackAt: Float64Array;
  /** HTTP status; 0 = no answer (connection error or timeout). */
  status: Uint16Array;
  /** The gateway's `outcome` field of 2xx answers: processed / duplicate / ignored. */
  outcomes: Record<string, number>;
  errorSamples: string[];
}

const TIMEOUT_MS = 10_000;
const now = () => performance.timeOrigin + performance.now();

/** docs/loops-contract.md §5, as the emulator signs: `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.rawBody")>`. */
export function loopsSignature(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * Plays Loops: POSTs each prepared event to `/webhooks/loops`, signed at send time, with at most
 * `concurrency` requests in flight (closed loop: a lane sends its next event when the last is
 * answered). No retries: a non-2xx is counted, and its session shows up as lost.
 */
export async function sendLoopsEvents(options: {
  gatewayUrl: string;
  secret: string;
  events: PreparedEvent[];
  concurrency: number;
}): Promise<SendResult> {
  const count = options.events.length;
  const result: SendResult = {
    sentAt: new Float64Array(count),
    ackAt: new Float64Array(count),
    status: new Uint16Array(count),
    outcomes: {},
    errorSamples: [],
  };
  const pool = new Pool(options.gatewayUrl, {
    connections: options.concurrency,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  try {
    await forEachBounded(count, options.concurrency, async (index) => {
      const event = options.events[index];
      if (!event) return;
      const signature = loopsSignature(options.secret, event.body, Math.floor(Date.now() / 1000));
      result.sentAt[index] = now();
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/webhooks/loops',
          headers: { 'content-type': 'application/json', 'x-loops-signature': signature, 'user-agent': 'loops-bench' },
          body: event.body,
        });
        const text = await response.body.text();
        result.ackAt[index] = now();
        result.status[index] = response.statusCode;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const outcome = outcomeOf(text);
          result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
        } else if (result.errorSamples.length < 5) {
          result.errorSamples.push(`HTTP ${response.statusCode} ${text.slice(0, 300)}`);
        }
      } catch (error) {
        result.ackAt[index] = now();
        if (result.errorSamples.length < 5) result.errorSamples.push((error as Error).message.slice(0, 300));
      }
    });
  } finally {
    await pool.close();
  }
  return result;
}

function outcomeOf(text: string): string {
  try {
    return String((JSON.parse(text) as { outcome?: unknown }).outcome);
  } catch {
    return 'unparseable answer';
  }
}
