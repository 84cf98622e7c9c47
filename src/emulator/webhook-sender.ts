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

interface Capture {
  events: LoopsEvent[];
  firstAttempts: Promise<void>[];
}

const ATTEMPT_TIMEOUT_MS = 10_000;
const MAX_LOG = 1000;

/**
 * Sends each event to every target (docs/loops-contract.md §5). A non-2xx answer or a network error is
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
  private captured: Capture | undefined;
  private readonly unsettled = new Set<Promise<void>>();
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

  /**
   * Delivery runs in the background; the API answer never waits for it. The promise settles when
   * every target's first attempt has been answered or failed (retries go on after it); only the
   * test clock waits for it (see `capture`).
   */
  send(event: LoopsEvent): Promise<void> {
    const body = JSON.stringify(event);
    const first = Promise.all(this.targets.map((target) => this.attempt(event, body, target, 1, this.generation))).then(
      () => undefined,
      () => undefined,
    );
    this.captured?.events.push(event);
    this.captured?.firstAttempts.push(first);
    this.unsettled.add(first);
    void first.then(() => this.unsettled.delete(first));
    return first;
  }

  /** Settles when every event sent so far has had its first attempt (`POST /_emulator/webhooks/flush`). */
  async flush(): Promise<void> {
    await Promise.all([...this.unsettled]);
  }

  /**
   * Runs `work` (synchronous) and returns the events it sent, in the order sent, and a promise of
   * their first delivery attempts: the test clock answers only once those are done, so a test
   * sees a renewal's webhooks as soon as its advance call returns (docs/loops-contract.md §8.5).
   */
  capture<T>(work: () => T): { result: T; events: LoopsEvent[]; firstAttempts: Promise<void> } {
    const outer = this.captured;
    const mine: Capture = { events: [], firstAttempts: [] };
    this.captured = mine;
    try {
      const result = work();
      return { result, events: mine.events, firstAttempts: Promise.all(mine.firstAttempts).then(() => undefined) };
    } finally {
      this.captured = outer;
    }
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
