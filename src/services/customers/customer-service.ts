import { isDeepStrictEqual } from 'node:util';
import { GatewayError } from '../../errors';
import type { Logger } from '../../observability/logger';
import { parseCustomerExpand } from '../../stripe/expand';
import { stableId } from '../../stripe/ids';
import { buildCustomerObject, renderCustomer, type CustomerListExpansion } from '../../stripe/objects/customer-object';
import { buildListObject } from '../../stripe/objects/list-object';
import { previousAttributes } from '../../stripe/objects/previous-attributes';
import { buildSearchResultObject } from '../../stripe/objects/search-result-object';
import {
  deleteCustomerSchema,
  listCustomersSchema,
  parseCreateCustomerParams,
  parseUpdateCustomerParams,
  searchCustomersSchema,
} from '../../stripe/params/customer-params';
import { checkCursors, retrieveSchema } from '../../stripe/params/list-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import { validateParams } from '../../stripe/params/validate-params';
import { isCustomerId, isDeletedCustomer, liveCustomer, type CustomerRecord, type StoredCustomer } from '../../store/customer-record';
import { UnknownCursorError, type CustomerStore } from '../../store/customer-store';
import type { StoredEvent } from '../../store/event-store';
import type { CallContext } from '../call-context';
import type { EventPublisher } from '../events/event-publisher';
import { applyCustomerParams } from './apply-customer-params';
import { windowOfCreatedFilter } from './created-window';
import { searchCustomers } from './customer-search';

export interface CustomerServiceDeps {
  customers: CustomerStore;
  publisher: Pick<EventPublisher, 'build' | 'queueRecorded'>;
  /** Ends a customer's subscriptions before it is deleted (services/subscriptions: `cancelAllOf`). */
  endSubscriptions?: (call: CallContext, customerId: string) => Promise<void>;
}

/** The request behind an event; automatic events (a completed checkout) have none. */
type EventRequest = { id: string | null; idempotency_key: string | null };

type Rendered = Record<string, unknown>;

const requestOf = (call: CallContext): EventRequest => ({ id: call.requestId, idempotency_key: call.operation.idempotencyKey });

/** A customer created with its answer, serialised (the bytes replayed for its Idempotency-Key). */
export interface CreatedCustomer {
  json: string;
}

/**
 * The customer directory behind `/v1/customers` (docs/stripe-billing-contract.md §1, §3), per tenant.
 * Loops has no customer object (docs/loops-contract.md §8); the `cus_…` id is what checkouts send Loops as
 * `externalCustomerId`. Every change records its `customer.*` event with it (CustomerStore) and
 * then queues its deliveries, as session transitions do.
 */
export function createCustomerService(deps: CustomerServiceDeps) {
  const { customers, publisher } = deps;

  function eventFor(tenantId: string, type: string, customer: StoredCustomer, request: EventRequest, previous?: StoredCustomer): StoredEvent {
    // Events are rendered in the gateway's version, as every other event (event-publisher.ts).
    const object = renderCustomer(customer);
    const changed = previous ? previousAttributes(renderCustomer(previous), object) : undefined;
    return publisher.build(tenantId, { type, object, livemode: customer.livemode, request, ...(changed ? { previousAttributes: changed } : {}) });
  }

  const missing = (id: string, param = 'id') =>
    new GatewayError(param === 'id' ? 'resource_missing' : 'param_resource_missing', `No such customer: '${id}'`, param);

  /** The record of a path id; only well-formed ids reach the store. */
  async function load(call: CallContext, id: string): Promise<CustomerRecord> {
    const record = isCustomerId(id) ? await customers.get(call.tenant.config.id, id) : undefined;
    if (!record) throw missing(id);
    return record;
  }

  const render = (call: CallContext, customer: CustomerRecord['customer'], expansions: readonly CustomerListExpansion[] = []) =>
    renderCustomer(customer, call.stripeVersion, expansions);

  /**
   * `POST /v1/customers`. The id derives from the operation (its key and first start), so an SDK
   * retry of the same create finds the customer its first attempt made instead of making another.
   */
  async function create(call: CallContext, bag: ParamBag): Promise<CreatedCustomer> {
    const params = parseCreateCustomerParams(bag, call.stripeVersion);
    const expansions = parseCustomerExpand(params.expand, false);
    const tenantId = call.tenant.config.id;
    const id = stableId('cus', `${tenantId}\n${call.operation.key}\n${call.operation.startedAtMs}`);
    const blank = buildCustomerObject({ id, created: Math.floor(call.operation.startedAtMs / 1000), livemode: call.livemode });
    const customer = applyCustomerParams(blank, params);
    const record: CustomerRecord = { version: 1, tenantId, createdMs: call.operation.startedAtMs, customer };
    const json = JSON.stringify(render(call, customer, expansions));
    const answer = call.operation.answerToStore(json);
    const event = eventFor(tenantId, 'customer.created', customer, requestOf(call));
    const result = await customers.insert(record, event, answer);
    if (result.kind === 'exists') {
      call.logger.info({ customer: id }, 'a retried customer create found the customer of its earlier attempt');
      return { json: JSON.stringify(render(call, result.record.customer, expansions)) };
    }
    await publisher.queueRecorded(tenantId, event, call.logger);
    if (answer) call.operation.answerStored();
    return { json };
  }

  /** A deleted customer retrieves as its stub, with 200 (docs/stripe-billing-contract.md §2). */
  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(retrieveSchema, bag);
    const expansions = parseCustomerExpand(params.expand, false);
    return render(call, (await load(call, id)).customer, expansions);
  }

  /**
   * `POST /v1/customers/:id`: a real change records `customer.updated` with the old values of what
   * changed (`previous_attributes`); an update that changes nothing records nothing. A deleted
   * customer cannot be updated: it is no customer any more (`resource_missing`).
   */
  async function update(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = parseUpdateCustomerParams(bag, call.stripeVersion);
    const expansions = parseCustomerExpand(params.expand, false);
    if (!isCustomerId(id)) throw missing(id);
    const tenantId = call.tenant.config.id;
    const existing = await customers.get(tenantId, id);
    if (!existing) throw missing(id);
    // Stripe ends a deleted customer's subscriptions at once; they go first, so a failure leaves the
    // customer as it was and the merchant's retry of the delete finishes the job.
    if (!isDeletedCustomer(existing.customer)) await deps.endSubscriptions?.(call, id);
    const result = await customers.update(
      tenantId,
      id,
      (current) => {
        const customer = liveCustomer(current);
        if (!customer) return undefined;
        const next = applyCustomerParams(customer, params);
        return isDeepStrictEqual(next, customer) ? undefined : { ...current, customer: next };
      },
      (next, previous) =>
        eventFor(tenantId, 'customer.updated', next.customer as StoredCustomer, requestOf(call), previous.customer as StoredCustomer),
    );
    if (result.kind === 'missing' || isDeletedCustomer(result.record.customer)) throw missing(id);
    if (result.kind === 'updated') await publisher.queueRecorded(tenantId, result.announced, call.logger);
    return render(call, result.record.customer, expansions);
  }

  /**
   * `DELETE /v1/customers/:id`: the customer becomes its stub and leaves every index; its
   * `customer.deleted` event carries the last full snapshot (docs/stripe-billing-contract.md §10). A
   * second delete answers the same stub and records nothing: stripe-node sends DELETE without an
   * Idempotency-Key, so its network retry of a delete that landed must not fail.
   * Stripe also cancels the customer's subscriptions at once (§1); the gateway serves none yet, so
   * there is nothing to cancel. When it does, that belongs here, with its events.
   */
  async function del(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    validateParams(deleteCustomerSchema, bag);
    if (!isCustomerId(id)) throw missing(id);
    const tenantId = call.tenant.config.id;
    const existing = await customers.get(tenantId, id);
    if (!existing) throw missing(id);
    // Stripe ends a deleted customer's subscriptions at once; they go first, so a failure leaves the
    // customer as it was and the merchant's retry of the delete finishes the job.
    if (!isDeletedCustomer(existing.customer)) await deps.endSubscriptions?.(call, id);
    const result = await customers.update(
      tenantId,
      id,
      (current) => (isDeletedCustomer(current.customer) ? undefined : { ...current, customer: { id, object: 'customer', deleted: true } }),
      (_next, previous) => eventFor(tenantId, 'customer.deleted', previous.customer as StoredCustomer, requestOf(call)),
    );
    if (result.kind === 'missing') throw missing(id);
    if (result.kind === 'updated') await publisher.queueRecorded(tenantId, result.announced, call.logger);
    return render(call, result.record.customer);
  }

  /** `GET /v1/customers`: newest first; `email` (exact) and `created` read their index window only. */
  async function list(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listCustomersSchema, bag);
    checkCursors(params);
    const expansions = parseCustomerExpand(params.expand, true);
    // No customer here has a test clock (the parameter is refused on create).
    if (params.test_clock !== undefined) return buildListObject('/v1/customers', [], false);
    try {
      const page = await customers.list(call.tenant.config.id, {
        index: params.email === undefined ? { kind: 'all' } : { kind: 'email', email: params.email },
        window: windowOfCreatedFilter(params.created),
        limit: params.limit ?? 10,
        startingAfter: params.starting_after,
        endingBefore: params.ending_before,
      });
      return buildListObject(
        '/v1/customers',
        page.records.map((record) => render(call, record.customer, expansions)),
        page.hasMore,
      );
    } catch (error) {
      if (error instanceof UnknownCursorError) throw missing(error.cursor, params.starting_after !== undefined ? 'starting_after' : 'ending_before');
      throw error;
    }
  }

  /** `GET /v1/customers/search` (customer-search.ts). */
  async function search(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(searchCustomersSchema, bag);
    const expansions = parseCustomerExpand(params.expand, true);
    const page = await searchCustomers(customers, call.tenant.config.id, params.query, params.limit ?? 10, params.page);
    return buildSearchResultObject(
      '/v1/customers/search',
      page.records.map((record) => render(call, record.customer, expansions)),
      page.nextPage,
    );
  }

  /**
   * The customer a checkout names (`customer` on `checkout.sessions.create`): it must be a live
   * customer of the tenant, or the create is refused before anything is made, as Stripe refuses it
   * (400 `resource_missing`, `param: customer`).
   */
  async function forCheckout(call: CallContext, id: string): Promise<StoredCustomer> {
    const record = isCustomerId(id) ? await customers.get(call.tenant.config.id, id) : undefined;
    const customer = record && liveCustomer(record);
    if (!customer) throw missing(id, 'customer');
    return customer;
  }

  /**
   * The customers named by sessions whose `customer` is expanded, rendered in the request's version
   * (a deleted one as its stub). Ids the directory does not have (sessions made before it existed)
   * are left out: the caller renders its stub for those.
   */
  async function forExpansion(call: CallContext, ids: readonly string[]): Promise<Map<string, Rendered>> {
    const wanted = [...new Set(ids)].filter(isCustomerId);
    const records = await Promise.all(wanted.map((id) => customers.get(call.tenant.config.id, id)));
    const found = new Map<string, Rendered>();
    for (const record of records) if (record) found.set(record.customer.id, render(call, record.customer));
    return found;
  }

  /**
   * The seam for completed checkouts (issue 11): Stripe Checkout creates a customer when a session
   * completes without one (`customer_creation`, docs/stripe-billing-contract.md §10.1 A), from the
   * `customer_details` Loops returns (checkout-completion.ts). The id is the one the session picked
   * at create and gave Loops as `externalCustomerId` (`id`), else derived from the session; either
   * way however often the completion is processed, it makes one customer and one `customer.created`
   * (an automatic event: `request` is null).
   */
  async function createForCompletedCheckout(
    tenantId: string,
    facts: { id?: string; sessionId: string; email: string | null; name: string | null; livemode: boolean; nowMs: number },
    logger: Logger,
  ): Promise<StoredCustomer | undefined> {
    const id = facts.id ?? stableId('cus', `${tenantId}\ncheckout\n${facts.sessionId}`);
    const customer = {
      ...buildCustomerObject({ id, created: Math.floor(facts.nowMs / 1000), livemode: facts.livemode }),
      email: facts.email,
      name: facts.name,
    };
    const event = eventFor(tenantId, 'customer.created', customer, { id: null, idempotency_key: null });
    const record: CustomerRecord = { version: 1, tenantId, createdMs: facts.nowMs, customer };
    const result = await customers.insert(record, event);
    if (result.kind === 'created') {
      await publisher.queueRecorded(tenantId, event, logger);
      return customer;
    }
    // Made by an earlier run of this completion; undefined if the merchant has deleted it since.
    return liveCustomer(result.record);
  }

  return { create, retrieve, update, del, list, search, forCheckout, forExpansion, createForCompletedCheckout };
}

export type CustomerService = ReturnType<typeof createCustomerService>;

/** What checkouts need of the directory. */
export type CheckoutCustomers = Pick<CustomerService, 'forCheckout' | 'forExpansion'>;
