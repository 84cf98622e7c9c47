import { isDeepStrictEqual } from 'node:util';
import { LOOPS_CONTRACT } from '../loops/contract-choices';
import type { LoopsV3Subscription } from '../loops/loops-schemas';
import type { BillingMode } from '../stripe/billing-versions';
import { stableId } from '../stripe/ids';
import { previousAttributes } from '../stripe/objects/previous-attributes';
import { buildSubscriptionObject } from '../stripe/objects/subscription-object';
import type { InvoiceRecord, StoredPrice, SubscriptionRecord } from '../store/subscription-record';
import { onGrid } from './billing-period';
import { planInvoices, upcomingInvoiceObject, type ChargeHint, type PlannedInvoiceEvent } from './plan-subscription-invoices';

/**
 * Convergence, not replay (docs/webhooks.md, "Subscriptions"): every sync takes Loops' current
 * subscription (§8.1) and the stored record, derives the record Loops' state implies, and lists the
 * Stripe events the difference means. Whatever order webhooks arrive in, and however many are
 * lost or repeated, the same Loops state gives the same record, and a state already stored gives
 * no event: a change is announced exactly once, by the one sync that stores it (compare-and-set).
 */

export type SubscriptionEventType =
  'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted' | 'customer.subscription.trial_will_end';

export interface PlannedSubscriptionEvent {
  type: SubscriptionEventType;
  object: Record<string, unknown>;
  previousAttributes?: Record<string, unknown>;
  /** Caused by the merchant's API call (its `request` goes on the event); else automatic. */
  byRequest: boolean;
}

export type PlannedEvent = PlannedSubscriptionEvent | (PlannedInvoiceEvent & { byRequest: false });

/** What the gateway knows of a subscription it has not stored yet. */
export interface NewSubscriptionFacts {
  tenantId: string;
  billingMode: BillingMode;
  customer: string | null;
  price: StoredPrice;
  product: Record<string, unknown> | null;
  productName: string;
  /** When the gateway first saw it (ms): orders subscriptions Loops created within the same second. */
  observedMs?: number;
}

/** Changes the merchant's call makes beside Loops' state (Loops holds none of these). */
export interface LocalChange {
  /** How a scheduled cancellation the call asked for was asked (subscription-object.ts). */
  cancelVia?: 'cancel_at_period_end' | 'cancel_at';
  cancellation?: { comment?: string | null; feedback?: string | null };
  /** Only once the subscription ended: Loops refuses changes then (§8.2); Stripe allows metadata. */
  metadata?: Record<string, string>;
  /** The customer, when Loops has no `externalCustomerId` (a customer made at checkout completion). */
  customer?: string;
}

export interface SyncInput {
  previous: SubscriptionRecord | undefined;
  /** Required when `previous` is undefined. */
  create?: NewSubscriptionFacts;
  loops: LoopsV3Subscription;
  nowSeconds: number;
  local?: LocalChange;
  charge?: ChargeHint;
  /** The sync follows the merchant's own update or cancel: subscription events carry its request. */
  byRequest?: boolean;
  /** How many days before a renewal `invoice.upcoming` goes out (the tenant's UPCOMING_INVOICE_DAYS); 0 or absent: never. */
  upcomingInvoiceDays?: number;
}

export interface SyncPlan {
  record: SubscriptionRecord;
  invoices: InvoiceRecord[];
  events: PlannedEvent[];
}

const DAY_SECONDS = 86_400;
/** Stripe sends `customer.subscription.trial_will_end` three days before `trial_end` (§10). */
export const TRIAL_WILL_END_SECONDS = 3 * DAY_SECONDS;
/** Loops' own webhook gets this long past a due time before the sweep reads Loops itself. */
export const SUBSCRIPTION_SWEEP_GRACE_SECONDS = 60;

function newRecord(facts: NewSubscriptionFacts, loops: LoopsV3Subscription): SubscriptionRecord {
  return {
    version: 0,
    tenantId: facts.tenantId,
    id: loops.id,
    livemode: loops.livemode,
    // Loops dates in whole seconds; within its second, the order the gateway saw them in.
    createdMs: loops.created * 1000 + Math.min(999, Math.max(0, (facts.observedMs ?? 0) - loops.created * 1000)),
    billingMode: facts.billingMode,
    customer: facts.customer,
    item: { id: stableId('si', `${facts.tenantId}\n${loops.id}`), created: loops.created },
    price: facts.price,
    product: facts.product,
    productName: facts.productName,
    anchor: anchorOf(loops),
    loops,
    cancelRequest: null,
    cancellation: { comment: null, feedback: null },
    metadataOverride: null,
    invoices: { first: null, latest: null, count: 0, paidThrough: null, open: null },
    trialWillEndSent: false,
    upcomingSentFor: null,
    dueAt: null,
  };
}

/**
 * Where the period grid starts (§8.1: Loops renews from the trial end, or from the first period's
 * start, which is its `created`). Loops names only the current period, so `created` is taken only
 * if the grid from it lands exactly on the current period's start; otherwise (a Loops whose first
 * period does not start at `created`) the current period's start, which is exact for every
 * renewal to come, though earlier periods are then not reconstructed.
 */
function anchorOf(loops: LoopsV3Subscription): number {
  if (loops.trial_end !== null) return loops.trial_end;
  return onGrid(loops.created, loops.interval, loops.current_period_start) ? loops.created : loops.current_period_start;
}

/** The record a Loops state implies and what announcing it takes; undefined when nothing changed. */
export function planSubscriptionSync(input: SyncInput): SyncPlan | undefined {
  const { local } = input;
  if (!input.previous && !input.create) throw new Error('planSubscriptionSync: a new subscription needs its facts');
  // Plain data on both sides: records parsed by zod may hold objects of another prototype, which
  // a deep comparison would count as a change where there is none.
  const previous = input.previous && plain(input.previous);
  const loops = plain(input.loops);
  const base = previous ?? newRecord(input.create as NewSubscriptionFacts, loops);
  const next = plain(base);
  next.loops = loops;
  next.customer = loops.externalCustomerId ?? local?.customer ?? base.customer;
  applyCancellation(next, base, local);
  if (local?.metadata !== undefined && loops.status === 'canceled') next.metadataOverride = local.metadata;

  const invoices = planInvoices(previous, next, input.nowSeconds, input.charge);
  const nextObject = buildSubscriptionObject(next);
  const events: PlannedEvent[] = [];
  const byRequest = input.byRequest ?? false;
  if (!previous) events.push({ type: 'customer.subscription.created', object: nextObject, byRequest });
  events.push(...invoices.events.map((event) => ({ ...event, byRequest: false as const })));
  const ended = loops.status === 'canceled' && previous?.loops.status !== 'canceled';
  if (ended) {
    events.push({ type: 'customer.subscription.deleted', object: nextObject, byRequest });
  } else if (previous) {
    const changed = previousAttributes(buildSubscriptionObject(previous), nextObject);
    if (changed) events.push({ type: 'customer.subscription.updated', object: nextObject, previousAttributes: changed, byRequest });
  }
  if (
    loops.status === 'trialing' &&
    loops.trial_end !== null &&
    !next.trialWillEndSent &&
    input.nowSeconds >= loops.trial_end - TRIAL_WILL_END_SECONDS
  ) {
    next.trialWillEndSent = true;
    events.push({ type: 'customer.subscription.trial_will_end', object: nextObject, byRequest: false });
  }
  const upcomingSeconds = (input.upcomingInvoiceDays ?? 0) * DAY_SECONDS;
  const upcoming = upcomingAt(next, upcomingSeconds);
  if (upcoming !== null && input.nowSeconds >= upcoming) {
    // Once per renewal, and only before it: a sync that learns of a renewal late announces the
    // renewal itself, not what was upcoming.
    next.upcomingSentFor = loops.current_period_end;
    if (input.nowSeconds < loops.current_period_end) events.push({ type: 'invoice.upcoming', object: upcomingInvoiceObject(next), byRequest: false });
  }
  next.dueAt = nextDueAt(next, upcomingSeconds);

  if (previous && events.length === 0 && invoices.written.length === 0 && isDeepStrictEqual(previous, plain(next))) return undefined;
  return { record: next, invoices: invoices.written, events };
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The cancel bookkeeping Loops does not keep: how a scheduled cancellation was asked for, and the
 * merchant's `cancellation_details` (cleared when the cancellation is taken back, as Stripe does).
 */
function applyCancellation(next: SubscriptionRecord, base: SubscriptionRecord, local: LocalChange | undefined): void {
  const loops = next.loops;
  if (!loops.cancel_at_period_end) next.cancelRequest = null;
  else if (local?.cancelVia) next.cancelRequest = { via: local.cancelVia };
  else next.cancelRequest = base.cancelRequest ?? { via: 'loops' };
  const resumed = base.loops.cancel_at_period_end && !loops.cancel_at_period_end && loops.status !== 'canceled';
  if (resumed) next.cancellation = { comment: null, feedback: null };
  if (local?.cancellation?.comment !== undefined) next.cancellation.comment = local.cancellation.comment;
  if (local?.cancellation?.feedback !== undefined) next.cancellation.feedback = local.cancellation.feedback;
}

/**
 * When the sweep should read Loops about this subscription again (unix seconds), so a renewal,
 * trial end, failed retry or period-end cancellation whose webhook was lost is still announced:
 * the current period's end, the next retry while `past_due`, three days before a trial ends for
 * `trial_will_end`, and `invoice.upcoming`'s time before a renewal; null once it ended.
 */
export function nextDueAt(record: SubscriptionRecord, upcomingInvoiceSeconds = 0): number | null {
  const loops = record.loops;
  if (loops.status === 'canceled') return null;
  const upcoming = upcomingAt(record, upcomingInvoiceSeconds);
  const retries = LOOPS_CONTRACT.subscriptionRenewalRetries;
  const failures = record.invoices.open?.failedCharges.length ?? 1;
  let due =
    (loops.status === 'past_due' ? loops.current_period_end + Math.min(failures, retries.count) * retries.spacingSeconds : loops.current_period_end) +
    SUBSCRIPTION_SWEEP_GRACE_SECONDS;
  if (loops.status === 'trialing' && loops.trial_end !== null && !record.trialWillEndSent) {
    due = Math.min(due, loops.trial_end - TRIAL_WILL_END_SECONDS);
  }
  return upcoming === null ? due : Math.min(due, upcoming);
}

/**
 * When `invoice.upcoming` is due for the coming renewal (`upcomingInvoiceSeconds` before
 * `current_period_end`), or null: none is (the setting is off, the subscription will not renew —
 * ended, past due, or set to cancel at the period end — or it went out for this renewal already).
 */
function upcomingAt(record: SubscriptionRecord, upcomingInvoiceSeconds: number): number | null {
  const loops = record.loops;
  if (upcomingInvoiceSeconds <= 0 || loops.cancel_at_period_end || (loops.status !== 'active' && loops.status !== 'trialing')) return null;
  if (record.upcomingSentFor === loops.current_period_end) return null;
  return loops.current_period_end - upcomingInvoiceSeconds;
}
