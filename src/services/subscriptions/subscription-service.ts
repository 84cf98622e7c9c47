import { GatewayError } from '../../errors';
import { isLoopsError, isLoopsRefusal } from '../../loops/loops-error';
import { parseSubscriptionExpand } from '../../stripe/params/billing-expand';
import { isSubscriptionId } from '../../stripe/params/billing-ids';
import { checkCursors, retrieveSchema } from '../../stripe/params/list-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import { rejectUnsupported } from '../../stripe/params/reject-unsupported';
import { decodePageToken, encodePageToken } from '../../stripe/params/search-page-token';
import { matchesSearch, parseSearchQuery, type SearchQuery } from '../../stripe/params/search-query';
import { cancelSubscriptionSchema, listSubscriptionsSchema, searchSchema, updateSubscriptionSchema } from '../../stripe/params/subscription-params';
import { UPDATE_SUBSCRIPTION_PARAMS } from '../../stripe/params/subscription-update-compat';
import { validateParams } from '../../stripe/params/validate-params';
import { buildSearchResultObject } from '../../stripe/objects/search-result-object';
import { subscriptionMetadata } from '../../stripe/objects/subscription-object';
import type { SubscriptionRecord } from '../../store/subscription-record';
import type { SubscriptionIndex, SubscriptionStore } from '../../store/subscription-store';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import type { CallContext } from '../call-context';
import { requireSubscriptions, type BillingContract } from './billing-switch';
import { indexedList } from './indexed-list';
import type { BillingRenderer } from './render-billing';
import { createdRange, indexesFor, matchesListFilters, smallestIndex } from './subscription-list-filters';
import type { SubscriptionSync, SyncCause } from './subscription-sync';
import { cancellationChange, planCanceledUpdate, planLiveUpdate } from './subscription-update';

export interface SubscriptionServiceDeps {
  store: SubscriptionStore;
  sync: SubscriptionSync;
  render: BillingRenderer;
  contract: BillingContract;
}

type Rendered = Record<string, unknown>;

/** Stripe's subscription search fields (https://docs.stripe.com/search#query-fields-for-subscriptions). */
const SEARCH_FIELDS = { created: 'number', metadata: 'metadata', status: 'text' } as const;
/** Records a search page looks at, at most (index-scan.ts `searchPage`). */
export const SEARCH_MAX_EXAMINED = 1000;

const notFound = (id: string) => new GatewayError('resource_missing', `No such subscription: '${id}'`, 'id');

/** The `subscriptions` use cases behind the Stripe routes (docs/stripe-billing-contract.md §1, §6). */
export function createSubscriptionService(deps: SubscriptionServiceDeps) {
  const enabled = (what: string) => requireSubscriptions(deps.contract, what);
  const apiCause = (call: CallContext): SyncCause => ({
    source: 'api',
    request: { id: call.requestId, idempotencyKey: call.operation.idempotencyKey },
  });

  /**
   * The subscription as Loops has it now, stored with whatever events the read reveals (a renewal
   * whose webhook is late or lost). A canceled one is final and needs no call. When Loops cannot
   * be reached, the stored copy is served rather than failing the read; an id the gateway has not
   * stored is looked up in Loops (a subscription whose creation webhook was lost).
   */
  async function current(call: CallContext, id: string): Promise<SubscriptionRecord> {
    if (!isSubscriptionId(id)) throw notFound(id);
    const tenantId = call.tenant.config.id;
    const stored = await deps.store.get(tenantId, id);
    if (stored?.loops.status === 'canceled') return stored;
    let synced: SubscriptionRecord | undefined;
    try {
      synced = await deps.sync.syncFromLoops(tenantId, id, { source: 'retrieve' }, call.logger);
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      if (!stored) throw loopsErrorToStripe(error);
      call.logger.warn({ tenant: tenantId, subscription: id, err: error.message }, 'Loops could not be read; serving the stored subscription');
      return stored;
    }
    if (!synced) throw notFound(id);
    return synced;
  }

  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(retrieveSchema, bag);
    enabled('GET /v1/subscriptions/:id');
    const expansion = parseSubscriptionExpand(params.expand, false);
    return deps.render.subscription(await current(call, id), expansion, call.stripeVersion);
  }

  async function list(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listSubscriptionsSchema, bag);
    checkCursors(params);
    enabled('GET /v1/subscriptions');
    const expansion = parseSubscriptionExpand(params.expand, true);
    const tenantId = call.tenant.config.id;
    const candidates = indexesFor(params);
    return indexedList({
      url: '/v1/subscriptions',
      objectName: 'subscription',
      params,
      isId: isSubscriptionId,
      page: async (query) => {
        if (candidates === 'none') return { records: [], hasMore: false };
        const index = await smallestIndex(candidates, (candidate) => deps.store.countSubscriptions(tenantId, candidate));
        return deps.store.list(tenantId, {
          ...query,
          index,
          created: createdRange(params.created),
          matches: (record) => matchesListFilters(record, params),
        });
      },
      render: (record) => deps.render.subscription(record, expansion, call.stripeVersion),
    });
  }

  /** `GET /v1/subscriptions/search` (§0.9): Stripe's query language over `created`, `metadata` and `status`. */
  async function search(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(searchSchema, bag);
    enabled('GET /v1/subscriptions/search');
    const expansion = parseSubscriptionExpand(params.expand, true);
    const query = parseSearchQuery(params.query, SEARCH_FIELDS);
    const afterId = params.page === undefined ? undefined : decodePageToken(params.page);
    if (afterId !== undefined && !isSubscriptionId(afterId)) {
      throw new GatewayError('parameter_invalid', `Invalid page: ${params.page?.slice(0, 100)} is not a page token this search returned.`, 'page');
    }
    const page = await deps.store.search(call.tenant.config.id, {
      index: searchIndex(query),
      ...(afterId !== undefined ? { afterId } : {}),
      limit: params.limit ?? 10,
      maxExamined: SEARCH_MAX_EXAMINED,
      matches: (record) => matchesSearch(query, (field, key) => searchValue(record, field, key)),
    });
    const data = await Promise.all(page.records.map((record) => deps.render.subscription(record, expansion, call.stripeVersion)));
    return buildSearchResultObject('/v1/subscriptions/search', data, page.resumeAfter === null ? null : encodePageToken(page.resumeAfter));
  }

  /**
   * `POST /v1/subscriptions/:id` (§6.2): what Loops' PUT can do goes to Loops, then the
   * subscription is synced and the synced object answered; the rest is refused by name.
   */
  async function update(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(updateSubscriptionSchema, bag);
    rejectUnsupported(bag, UPDATE_SUBSCRIPTION_PARAMS, []);
    enabled('POST /v1/subscriptions/:id');
    const expansion = parseSubscriptionExpand(params.expand, false);
    const tenantId = call.tenant.config.id;
    const record = await current(call, id);
    if (record.loops.status === 'canceled') return updateCanceled(call, record, bag, params, expansion);
    const plan = planLiveUpdate(record, params);
    if (Object.keys(plan.loops).length > 0) {
      try {
        await call.tenant.loops.updateSubscription(id, plan.loops);
      } catch (error) {
        if (!isLoopsError(error)) throw error;
        // Refused: Loops may have ended the subscription since it was read (its webhook late).
        const now = isLoopsRefusal(error) ? await deps.sync.syncFromLoops(tenantId, id, { source: 'retrieve' }, call.logger) : undefined;
        if (now?.loops.status === 'canceled') return updateCanceled(call, now, bag, params, expansion);
        throw loopsErrorToStripe(error, Object.keys(plan.loops).length === 1 ? paramOf(Object.keys(plan.loops)[0]) : undefined);
      }
    }
    const synced = await deps.sync.syncFromLoops(tenantId, id, apiCause(call), call.logger, { local: plan.local });
    if (!synced) throw notFound(id);
    return deps.render.subscription(synced, expansion, call.stripeVersion);
  }

  async function updateCanceled(
    call: CallContext,
    record: SubscriptionRecord,
    bag: ParamBag,
    params: ReturnType<typeof updateSubscriptionSchema.parse>,
    expansion: ReturnType<typeof parseSubscriptionExpand>,
  ): Promise<Rendered> {
    const given = Object.keys(bag).filter((name) => bag[name] !== '' || name === 'metadata');
    const local = planCanceledUpdate(record, params, given);
    const synced = await deps.sync.applyLocal(call.tenant.config.id, record.id, apiCause(call), call.logger, local);
    if (!synced) throw notFound(record.id);
    return deps.render.subscription(synced, expansion, call.stripeVersion);
  }

  /**
   * `DELETE /v1/subscriptions/:id` (§0.7, params in the query): Loops ends it now (§8.2), then the
   * sync announces `customer.subscription.deleted` with this request. A subscription already
   * canceled is answered as Stripe answers it: no such subscription.
   */
  async function cancel(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(cancelSubscriptionSchema, bag);
    if (params.invoice_now === true) {
      throw new GatewayError('parameter_unsupported', 'The gateway does not support `invoice_now`: Loops makes no final invoice.', 'invoice_now');
    }
    if (params.prorate === true) {
      throw new GatewayError('parameter_unsupported', 'The gateway does not support `prorate`: Loops does not refund the unused time.', 'prorate');
    }
    enabled('DELETE /v1/subscriptions/:id');
    const expansion = parseSubscriptionExpand(params.expand, false);
    const record = await current(call, id);
    if (record.loops.status === 'canceled') throw notFound(id);
    try {
      await call.tenant.loops.cancelSubscription(id);
    } catch (error) {
      throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
    }
    const local = { cancellation: cancellationChange(params.cancellation_details) };
    const synced = await deps.sync.syncFromLoops(call.tenant.config.id, id, apiCause(call), call.logger, { local });
    if (!synced) throw notFound(id);
    return deps.render.subscription(synced, expansion, call.stripeVersion);
  }

  /**
   * Deleting a customer cancels its subscriptions at once, as Stripe does (docs/stripe-billing-contract.md
   * §1): each live one is ended in Loops and synced, so its `customer.subscription.deleted` carries
   * the delete's request. A Loops failure stops the delete before the customer is touched (the
   * merchant's retry finishes the job). Bounded: Stripe allows a customer 500 live subscriptions.
   */
  async function cancelAllOf(call: CallContext, customer: string): Promise<void> {
    if (!deps.contract.subscriptions) return;
    const tenantId = call.tenant.config.id;
    for (let page = 0; page < MAX_LIVE_PER_CUSTOMER / 100; page++) {
      const live = await deps.store.list(tenantId, {
        index: { kind: 'customer', customer },
        limit: 100,
        matches: (r) => r.loops.status !== 'canceled',
      });
      for (const record of live.records) {
        try {
          await call.tenant.loops.cancelSubscription(record.id);
        } catch (error) {
          throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
        }
        await deps.sync.syncFromLoops(tenantId, record.id, apiCause(call), call.logger);
      }
      if (!live.hasMore) return;
    }
  }

  return { retrieve, list, search, update, cancel, cancelAllOf };
}

/** Stripe's cap on a customer's active or scheduled subscriptions (`customer_max_subscriptions`). */
const MAX_LIVE_PER_CUSTOMER = 500;

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;

/** The Stripe parameter behind a Loops PUT field, for an error about it. */
function paramOf(loopsField: string | undefined): string | undefined {
  if (loopsField === 'quantity') return 'items[0][quantity]';
  return loopsField;
}

/** A positive `status:'…'` clause joined by AND narrows the search to that status's index. */
function searchIndex(query: SearchQuery): SubscriptionIndex {
  if (query.joiner !== 'AND') return { kind: 'all' };
  const clause = query.clauses.find((c) => c.field === 'status' && c.operator === ':' && !c.negated && typeof c.value === 'string');
  const status = typeof clause?.value === 'string' ? clause.value.toLowerCase() : undefined;
  if (status === 'active' || status === 'trialing' || status === 'past_due' || status === 'canceled') return { kind: 'status', status };
  return { kind: 'all' };
}

function searchValue(record: SubscriptionRecord, field: string, key?: string) {
  if (field === 'created') return record.loops.created;
  if (field === 'status') return record.loops.status;
  if (field === 'metadata' && key !== undefined) return subscriptionMetadata(record)[key];
  return undefined;
}
