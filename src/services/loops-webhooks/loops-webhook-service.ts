import { randomBytes } from 'node:crypto';
import type { TenantConfig } from '../../config';
import { GatewayError } from '../../errors';
import { LOOPS_CONTRACT } from '../../loops/contract-choices';
import { loopsEventSchema, type LoopsEvent } from '../../loops/loops-webhook-schemas';
import { verifyLoopsSignature } from '../../loops/verify-webhook-signature';
import type { Logger } from '../../observability/logger';
import type { EventStore } from '../../store/event-store';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { chargeEventDedupeKey, chargeObjectFromLoops } from '../../translate/loops-charge-to-stripe';
import { translateLoopsEvent, type LoopsEventAction } from '../../translate/loops-event-to-stripe';
import type { SessionSync } from '../checkout-sessions/session-sync';
import type { EventPublisher } from '../events/event-publisher';
import { InvalidLoopsEventShapeError } from './invalid-shape-error';
import { createSubscriptionWebhooks, type SubscriptionWebhookDeps } from './subscription-webhooks';

export interface LoopsWebhookDeps {
  tenants: ReadonlyMap<string, TenantConfig>;
  toleranceSeconds: number;
  events: EventStore;
  sessions: SessionStore;
  sync: SessionSync;
  publisher: EventPublisher;
  now: () => number;
  /** The §8.4 events (docs/loops-contract.md): without it, or with LOOPS_CONTRACT.subscriptions off, they are ignored. */
  subscriptions?: SubscriptionWebhookDeps;
}

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

const AUTOMATIC = { id: null, idempotency_key: null };

/**
 * Loops → gateway (docs/development.md "Habits"): verify the raw bytes, then parse, dedupe, translate,
 * store, enqueue. It returns only once everything the event causes is durably recorded, so a 2xx
 * means nothing can be lost; any failure before that is a 5xx and Loops sends the event again,
 * which is safe because every step is idempotent.
 */
export function createLoopsWebhookService(deps: LoopsWebhookDeps) {
  /**
   * Checked in place of the secret of a tenant that does not exist (or has no Loops webhook
   * secret), so the path's tenant id cannot be told apart by the answer or its timing: the same
   * HMAC is computed and the same "Invalid Loops webhook signature" comes back. Random per process,
   * so no signature can match it.
   */
  const noTenantSecret = randomBytes(32).toString('hex');
  const subscriptionEvents = deps.subscriptions ? createSubscriptionWebhooks(deps.subscriptions, deps.publisher) : undefined;

  /** `logger`: the webhook request's (its id on every line, the syncs' and Loops calls' included). */
  async function handle(tenantId: string, rawBody: Buffer, signature: string | undefined, logger: Logger): Promise<WebhookOutcome> {
    const tenant = deps.tenants.get(tenantId);
    const secret = tenant?.loopsWebhookSecret;
    // The operator's mistake, told to the operator only: the caller gets the answer any tenant gives.
    if (tenant && !secret)
      logger.warn({ tenant: tenantId }, 'Loops webhook for a tenant without a Loops webhook secret (LOOPS_WEBHOOK_SECRET): refused');
    const check = verifyLoopsSignature(rawBody, signature, {
      secret: secret ?? noTenantSecret,
      toleranceSeconds: deps.toleranceSeconds,
      encoding: LOOPS_CONTRACT.webhookDigestEncoding,
      nowSeconds: Math.floor(deps.now() / 1000),
    });
    // `!secret` cannot pass the check (nothing signs with noTenantSecret); it keeps the rest tenant-only.
    if (!check.ok || !secret)
      throw new GatewayError('parameter_invalid', `Invalid Loops webhook signature: ${check.ok ? 'no signature matches' : check.reason}.`);
    const event = parseEvent(rawBody);
    // Translated (pure) before the duplicate check so the session the first action is about is
    // read in the same round trip as that check; a duplicate or an unreadable event only costs the read.
    let actions: LoopsEventAction[] | undefined;
    let shapeError: { error: unknown } | undefined;
    try {
      actions = translateLoopsEvent(event);
    } catch (error) {
      shapeError = { error };
    }
    const first = actions?.[0];
    const [handled, firstRecord] = await Promise.all([
      deps.events.loopsEventHandled(tenantId, event.id),
      first && 'sessionId' in first ? deps.sessions.get(tenantId, first.sessionId) : undefined,
    ]);
    if (handled) return 'duplicate';
    if (shapeError) return await refuseInvalidShape(tenantId, event, shapeError.error, logger);
    if (!actions) {
      logger.warn({ loopsEventId: event.id, type: event.type, tenant: tenantId }, 'unknown Loops event type: recorded, nothing to do');
      await deps.events.recordLoopsEvent(tenantId, event.id, { outcome: 'unknown_type', type: event.type, receivedAt: deps.now(), event });
      return 'ignored';
    }
    // Handled when any action found its object: a subscription Loops created from a checkout the
    // gateway did not make is still synced, though no session of its is stored.
    let known = false;
    // Only the first action takes the record read above: a later one (a charge after its settle)
    // reads the session as the one before it left it.
    for (const [i, action] of actions.entries()) known = (await apply(tenantId, event, action, logger, i === 0 ? firstRecord : undefined)) || known;
    await deps.events.recordLoopsEvent(
      tenantId,
      event.id,
      known
        ? { outcome: 'processed', type: event.type, receivedAt: deps.now() }
        : { outcome: 'unknown_session', type: event.type, receivedAt: deps.now(), event },
    );
    return known ? 'processed' : 'ignored';
  }

  /**
   * A known event type whose object the gateway cannot read (the Loops contract is still
   * uncertain here, docs/loops-contract.md §7): the raw event is kept 30 days for an operator, like unknown
   * types, and logged, and the answer is a 400 so Loops sends it again, which a gateway fixed in
   * the meantime then processes (an `invalid_shape` record does not count as handled).
   */
  async function refuseInvalidShape(tenantId: string, event: LoopsEvent, error: unknown, logger: Logger): Promise<never> {
    const problem = (error as Error).message.slice(0, 300);
    logger.error({ loopsEventId: event.id, type: event.type, tenant: tenantId, problem }, 'Loops event has an unexpected shape: recorded, refused');
    await deps.events.recordLoopsEvent(tenantId, event.id, { outcome: 'invalid_shape', type: event.type, receivedAt: deps.now(), event, problem });
    throw new InvalidLoopsEventShapeError(`Loops event ${event.id} (${event.type}) has an unexpected shape: ${problem}`);
  }

  /**
   * Returns false when the event is about a session (or subscription) that is not this tenant's.
   * `read`: the action's session as read moments ago, or undefined to read it here.
   */
  async function apply(
    tenantId: string,
    event: LoopsEvent,
    action: LoopsEventAction,
    logger: Logger,
    read: SessionRecord | undefined,
  ): Promise<boolean> {
    if (action.kind === 'subscription_sync' || action.kind === 'subscription_charge') {
      return subscriptionEvents ? subscriptionEvents.apply(tenantId, event, action, logger) : false;
    }
    const record = read ?? (await deps.sessions.get(tenantId, action.sessionId));
    if (!record) {
      logger.warn({ loopsEventId: event.id, type: event.type, session: action.sessionId }, 'Loops event for a session the gateway does not know');
      return false;
    }
    switch (action.kind) {
      case 'settle':
        await deps.sync.settle(tenantId, action.sessionId, action.state, action, { source: 'loops_webhook' }, logger, record);
        return true;
      case 'subscription':
        await deps.sessions.update(tenantId, action.sessionId, (current) => {
          if (current.session.subscription === action.subscriptionId) return undefined;
          current.session.subscription = action.subscriptionId;
          return current;
        });
        return true;
      case 'charge': {
        const object = chargeObjectFromLoops(action.charge, {
          livemode: record.session.livemode,
          metadata: record.session.metadata,
          customer: record.session.customer,
          email: record.session.customer_email,
          paymentIntent: record.session.payment_intent,
          description: null,
          createdFallback: Math.floor(deps.now() / 1000),
        });
        await deps.publisher.publish(
          tenantId,
          { type: action.stripeType, object, livemode: record.session.livemode, request: AUTOMATIC },
          chargeEventDedupeKey(action.stripeType, action.charge.id, event.id),
          logger,
        );
        return true;
      }
    }
  }

  return { handle };
}

function parseEvent(rawBody: Buffer): LoopsEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new GatewayError('malformed_body', 'Invalid Loops webhook: the body is not JSON.');
  }
  const parsed = loopsEventSchema.safeParse(json);
  if (!parsed.success) throw new GatewayError('malformed_body', `Invalid Loops webhook envelope: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

export type LoopsWebhookService = ReturnType<typeof createLoopsWebhookService>;
