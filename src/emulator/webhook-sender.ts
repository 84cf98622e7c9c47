import { Agent, request } from 'undici';
import type { Logger } from 'pino';
import type { LoopsEvent } from './events';
import { Timers } from './timers';
import { signatureHeaderValue } from './webhook-signature';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryRecord {
  eventId: string;
  type: string;
  url: string;
  attempt: number;
  status: number | null;
  error: string | null;
  at: string;
}

export interface WebhookSenderOptions {
  targets: WebhookTarget[];
  retryDelaysMs: number[];
  signatureHeader: string;
  logger: Logger;
}

const ATTEMPT_TIMEOUT_MS = 10_000;
const MAX_LOG = 1000;

/**
 * Sends each event to every target (loops-api.md §5). A non-2xx answer or a network error is
 * retried after each of `retryDelaysMs`; every attempt is signed again with a fresh `t`, so a late
 * retry still passes the receiver's 300 s tolerance. `t` is real time, not the emulator clock:
 * receivers compare it with their own clock.
 */
export class WebhookSender {
  private targets: WebhookTarget[];
  private readonly agent = new Agent({ keepAliveTimeout: 1000 });
  private readonly inFlight = new Set<AbortController>();
  /** Own timers, so a reset drops scheduled retries without touching request latency sleeps. */
  private readonly retries = new Timers();
  /** Bumped by `cancelPending`: answers to older attempts are neither logged nor retried. */
  private generation = 0;
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly options: WebhookSenderOptions) {
    this.targets = [...options.targets];
  }

  getTargets(): WebhookTarget[] {
    return [...this.targets];
  }

  setTargets(targets: WebhookTarget[]): void {
    this.targets = [...targets];
  }

  /** Fire and forget: delivery runs in the background; the API answer never waits for it. */
  send(event: LoopsEvent): void {
    const body = JSON.stringify(event);
    for (const target of this.targets) void this.attempt(event, body, target, 1, this.generation);
  }

  /** Drops scheduled retries and aborts requests in flight (reset and close). */
  cancelPending(): void {
    this.generation += 1;
    this.retries.cancelAll();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  clearLog(): void {
    this.deliveries.length = 0;
  }

  async close(): Promise<void> {
    this.retries.close();
    this.cancelPending();
    await this.agent.destroy();
  }

  private async attempt(event: LoopsEvent, body: string, target: WebhookTarget, attempt: number, generation: number): Promise<void> {
    if (this.retries.isClosed || generation !== this.generation) return;
    const outcome = await this.post(body, target);
    if (generation !== this.generation) return;
    this.record({ eventId: event.id, type: event.type, url: target.url, attempt, ...outcome, at: new Date().toISOString() });
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) return;
    const delay = this.options.retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      this.options.logger.warn({ eventId: event.id, url: target.url, attempt }, 'webhook delivery gave up');
      return;
    }
    this.retries.schedule(delay, () => void this.attempt(event, body, target, attempt + 1, generation));
  }

  private async post(body: string, target: WebhookTarget): Promise<{ status: number | null; error: string | null }> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const signature = signatureHeaderValue(target.secret, body, Math.floor(Date.now() / 1000));
      const response = await request(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [this.options.signatureHeader]: signature, 'user-agent': 'loops-emulator' },
        body,
        dispatcher: this.agent,
        signal: controller.signal,
        headersTimeout: ATTEMPT_TIMEOUT_MS,
        bodyTimeout: ATTEMPT_TIMEOUT_MS,
      });
      await response.body.dump();
      return { status: response.statusCode, error: null };
    } catch (error) {
      return { status: null, error: describeError(error) };
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private record(delivery: DeliveryRecord): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_LOG) this.deliveries.shift();
    this.options.logger.debug(delivery, 'webhook attempt');
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
