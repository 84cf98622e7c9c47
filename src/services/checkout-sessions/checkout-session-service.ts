import { GatewayError } from '../../errors';
import { isLoopsError, isLoopsRefusal } from '../../loops/loops-error';
import { parseLineItemExpand, parseSessionExpand, type SessionExpansion } from '../../stripe/expand';
import { isWellFormedId, noSuchObject } from '../../stripe/ids';
import { buildListObject } from '../../stripe/objects/list-object';
import { mergeMetadata } from '../../stripe/params/merge-metadata';
import type { ParamBag } from '../../stripe/params/param-bag';
import {
  checkCursors,
  expireSchema,
  listLineItemsSchema,
  listSessionsSchema,
  retrieveSchema,
  UNSUPPORTED_UPDATE_PARAMS,
  updateSessionSchema,
} from '../../stripe/params/list-params';
import { validateParams } from '../../stripe/params/validate-params';
import type { SessionRecord } from '../../store/session-record';
import { UnknownCursorError, type SessionStore } from '../../store/session-store';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { checkLoopsMetadata } from '../../translate/check-loops-metadata';
import type { CallContext } from '../call-context';
import { createCreateSession, type CreateSessionDeps } from './create-session';
import { expireInLoops } from './expire-in-loops';
import { sessionListFilter } from './list-filters';
import { paginateArray } from './paginate-array';
import type { CheckoutSubscriptions } from './checkout-subscriptions';
import { lineItemsUrl, renderLineItems, renderSession, type ExpandedObjects } from './render-session';
import type { SessionSync } from './session-sync';
import type { SessionUpdateLocks } from './session-update-lock';

export interface CheckoutSessionServiceDeps extends CreateSessionDeps {
  sessions: SessionStore;
  sync: SessionSync;
  /** How metadata updates of one session take turns (session-update-lock.ts). */
  withUpdateLock: SessionUpdateLocks;
  /** `expand[]=subscription` (checkout-subscriptions.ts). */
  subscriptions: Pick<CheckoutSubscriptions, 'forExpansion'>;
}

type Rendered = Record<string, unknown>;

/** The `checkout.sessions` use cases behind the Stripe routes. */
export function createCheckoutSessionService(deps: CheckoutSessionServiceDeps) {
  const requestOf = (call: CallContext) => ({ id: call.requestId, idempotencyKey: call.operation.idempotencyKey });

  /** Every route with a session id comes through here first: an id of another shape is never looked up. */
  async function load(call: CallContext, id: string): Promise<SessionRecord> {
    const record = isWellFormedId('checkout.session', id) ? await deps.sessions.get(call.tenant.config.id, id) : undefined;
    if (!record) throw noSuchObject('checkout.session', id);
    return record;
  }

  /** The full objects of these sessions' expanded id fields: the directory's customers, the subscriptions. */
  async function expandedFor(call: CallContext, expansion: SessionExpansion, records: SessionRecord[]): Promise<ExpandedObjects> {
    const ids = (field: 'customer' | 'subscription') =>
      expansion.references.includes(field) ? records.flatMap((record) => (record.session[field] === null ? [] : [record.session[field]])) : [];
    const [customers, subscriptions] = [ids('customer'), ids('subscription')];
    return {
      ...(customers.length > 0 ? { customer: await deps.customers.forExpansion(call, customers) } : {}),
      ...(subscriptions.length > 0 ? { subscription: await deps.subscriptions.forExpansion(call, subscriptions) } : {}),
    };
  }

  async function render(call: CallContext, record: SessionRecord, expansion: SessionExpansion): Promise<Rendered> {
    return renderSession(record, expansion, call.stripeVersion, await expandedFor(call, expansion, [record]));
  }

  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(retrieveSchema, bag);
    const expansion = parseSessionExpand(params.expand, false);
    const record = await deps.sync.refresh(call.tenant, await load(call, id), call.logger);
    return render(call, record, expansion);
  }

  async function update(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(updateSessionSchema, bag);
    const unsupported = UNSUPPORTED_UPDATE_PARAMS.find((name) => params[name] !== undefined && params[name] !== '');
    if (unsupported) {
      throw new GatewayError(
        'parameter_unsupported',
        `The gateway does not support updating \`${unsupported}\`: Loops sessions cannot change after creation.`,
        unsupported,
      );
    }
    const expansion = parseSessionExpand(params.expand, false);
    const tenantId = call.tenant.config.id;
    // Loops' state first, as retrieve and expire do: a session Loops has ended (its webhook lost or
    // late) is settled now, and its metadata changes locally only (below).
    const refreshed = await deps.sync.refresh(call.tenant, await load(call, id), call.logger);
    const change = params.metadata;
    if (change === undefined) return render(call, refreshed, expansion);
    // One update of a session at a time: each merges into what the last one stored and sends Loops
    // the whole result, so Loops and the store see the same writes in the same order.
    return deps.withUpdateLock(tenantId, id, async () => {
      const record = await load(call, id);
      const metadata = mergeMetadata(record.session.metadata, change);
      if (Object.keys(metadata).length > 50)
        throw new GatewayError('parameter_invalid', 'Invalid metadata: metadata can have at most 50 keys.', 'metadata');
      checkLoopsMetadata(metadata);
      // Stripe lets metadata change whatever the session's state (docs/stripe-checkout-contract.md §5.5); Loops only
      // while it is open, and nobody can pay an ended session, so Loops is told only then.
      if (record.session.status === 'open') await updateMetadataInLoops(call, record, metadata);
      // Exactly what Loops was sent (a settle meanwhile changes other fields, never metadata).
      const result = await deps.sessions.update(tenantId, id, (current) => {
        current.session.metadata = metadata;
        return current;
      });
      if (result.kind === 'missing') throw new GatewayError('resource_missing', `No such checkout.session: '${id}'`, 'id');
      return render(call, result.record, expansion);
    });
  }

  /** Loops refusing may mean it has ended the session: then it is settled, and the update stays local. */
  async function updateMetadataInLoops(call: CallContext, record: SessionRecord, metadata: Record<string, string>): Promise<void> {
    try {
      await call.tenant.loops.updateSessionV2(record.session.id, { metadata });
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      if (isLoopsRefusal(error) && (await deps.sync.settleIfEnded(call.tenant, record, call.logger))) return;
      throw loopsErrorToStripe(error, 'metadata');
    }
  }

  /** Only open sessions can be expired (docs/stripe-checkout-contract.md §5.5); Loops is told first. */
  async function expire(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(expireSchema, bag);
    const expansion = parseSessionExpand(params.expand, false);
    const record = await deps.sync.refresh(call.tenant, await load(call, id), call.logger);
    if (record.session.status !== 'open') throw notOpen(record);
    let expired;
    try {
      expired = await expireInLoops(call.tenant, id, deps.now());
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      // Loops ended the session since it was read: answer as for any session that is not open, not
      // with Loops' refusal, and settle it (with its one event) on the way.
      const ended = isLoopsRefusal(error) ? await deps.sync.settleIfEnded(call.tenant, record, call.logger) : undefined;
      throw ended ? notOpen(ended) : loopsErrorToStripe(error);
    }
    const settled = await deps.sync.settle(
      call.tenant.config.id,
      id,
      expired.state,
      // A session paid in the meantime may have an adjustable quantity: the total tells it.
      { amountTotal: expired.amountTotal },
      { source: 'api', request: requestOf(call) },
      call.logger,
    );
    if (!settled) throw new GatewayError('resource_missing', `No such checkout.session: '${id}'`, 'id');
    if (settled.session.status !== 'expired') throw notOpen(settled);
    return render(call, settled, expansion);
  }

  async function list(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listSessionsSchema, bag);
    checkCursors(params);
    const expansion = parseSessionExpand(params.expand, true);
    try {
      const page = await deps.sessions.list(call.tenant.config.id, {
        limit: params.limit ?? 10,
        startingAfter: params.starting_after,
        endingBefore: params.ending_before,
        ...sessionListFilter(params),
      });
      const expanded = await expandedFor(call, expansion, page.records);
      return buildListObject(
        '/v1/checkout/sessions',
        page.records.map((record) => renderSession(record, expansion, call.stripeVersion, expanded)),
        page.hasMore,
      );
    } catch (error) {
      if (error instanceof UnknownCursorError) throw unknownCursor(error.cursor, params.starting_after ? 'starting_after' : 'ending_before');
      throw error;
    }
  }

  async function listLineItems(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listLineItemsSchema, bag);
    checkCursors(params);
    const { products } = parseLineItemExpand(params.expand);
    const record = await load(call, id);
    const page = paginateArray(record.lineItems, params.limit ?? 10, params.starting_after, params.ending_before);
    if (!page)
      throw unknownCursor(params.starting_after ?? params.ending_before ?? '', params.starting_after ? 'starting_after' : 'ending_before', 'item');
    return buildListObject(lineItemsUrl(id), renderLineItems(record, products, page.items), page.hasMore);
  }

  return { create: createCreateSession(deps), retrieve, update, expire, list, listLineItems };
}

export type CheckoutSessionService = ReturnType<typeof createCheckoutSessionService>;

function notOpen(record: SessionRecord): GatewayError {
  return new GatewayError(
    'invalid_state',
    `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${record.session.status}".`,
  );
}

function unknownCursor(cursor: string, param: string, object = 'checkout.session'): GatewayError {
  return new GatewayError('param_resource_missing', `No such ${object}: '${cursor}'`, param);
}
