import { GatewayError } from '../../errors';
import { stableId } from '../../stripe/ids';
import { buildListObject } from '../../stripe/objects/list-object';
import {
  buildPortalConfigurationObject,
  renderPortalConfiguration,
  type StripePortalConfiguration,
} from '../../stripe/objects/portal-configuration-object';
import { previousAttributes } from '../../stripe/objects/previous-attributes';
import { checkCursors, retrieveSchema } from '../../stripe/params/list-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import {
  listConfigurationsSchema,
  parseCreateConfigurationParams,
  parseUpdateConfigurationParams,
  type ListConfigurationsParams,
} from '../../stripe/params/portal-params';
import { validateParams } from '../../stripe/params/validate-params';
import type { StoredEvent } from '../../store/event-store';
import { isPortalConfigurationId, type PortalConfigurationRecord } from '../../store/portal-configuration-record';
import { UnknownCursorError, type PortalConfigurationStore } from '../../store/portal-configuration-store';
import { loopsPortalFeatures } from '../../translate/portal-features';
import type { CallContext } from '../call-context';
import type { EventPublisher } from '../events/event-publisher';
import { applyConfigurationParams } from './apply-configuration-params';

export interface PortalConfigurationServiceDeps {
  configurations: PortalConfigurationStore;
  publisher: Pick<EventPublisher, 'build' | 'queueRecorded'>;
  now: () => number;
}

type Rendered = Record<string, unknown>;
type EventRequest = { id: string | null; idempotency_key: string | null };

const requestOf = (call: CallContext): EventRequest => ({ id: call.requestId, idempotency_key: call.operation.idempotencyKey });

/** A configuration created with its answer, serialised (the bytes replayed for its Idempotency-Key). */
export interface CreatedConfiguration {
  json: string;
}

/**
 * `billingPortal.configurations` (docs/stripe-billing-contract.md §1, §9.2), per tenant. Loops' portal is
 * configured in Loops (docs/loops-contract.md §8.2), not through these objects: the gateway keeps them for
 * merchant code that creates, lists, updates and names them (nextjs/saas-starter lists them and
 * creates one when there is none, then names it in `billingPortal.sessions.create`).
 *
 * Each tenant has a default configuration (`is_default: true`), one per mode (test/live keys), made
 * the first time it is needed (a list, a portal session, a retrieve of its id): it describes Loops'
 * portal as it is (translate/portal-features.ts), as Stripe's default is the one saved in the
 * Dashboard. It is made without an event (nothing was configured through the API). Merchant creates
 * and updates record `billing_portal.configuration.created` / `.updated` with their change.
 */
export function createPortalConfigurationService(deps: PortalConfigurationServiceDeps) {
  const { configurations, publisher } = deps;

  const render = (call: CallContext, configuration: StripePortalConfiguration) => renderPortalConfiguration(configuration, call.stripeVersion);

  function eventFor(
    tenantId: string,
    type: string,
    configuration: StripePortalConfiguration,
    request: EventRequest,
    previous?: StripePortalConfiguration,
  ): StoredEvent {
    // Events are rendered in the gateway's version, as every other event (event-publisher.ts).
    const changed = previous ? previousAttributes(previous, configuration) : undefined;
    return publisher.build(tenantId, {
      type,
      object: configuration,
      livemode: configuration.livemode,
      request,
      ...(changed ? { previousAttributes: changed } : {}),
    });
  }

  const missing = (id: string, param = 'id') =>
    new GatewayError(param === 'id' ? 'resource_missing' : 'param_resource_missing', `No such configuration: '${id}'`, param);

  const defaultId = (call: CallContext) => stableId('bpc', `${call.tenant.config.id}\nportal-default\n${call.livemode ? 'live' : 'test'}`);

  /** The tenant's default configuration for the caller's mode, made the first time it is needed. */
  async function ensureDefault(call: CallContext): Promise<PortalConfigurationRecord> {
    const tenantId = call.tenant.config.id;
    const id = defaultId(call);
    const existing = await configurations.get(tenantId, id);
    if (existing) return existing;
    const nowMs = deps.now();
    const configuration = buildPortalConfigurationObject({
      id,
      created: Math.floor(nowMs / 1000),
      livemode: call.livemode,
      isDefault: true,
      features: loopsPortalFeatures(),
    });
    // Two first uses at once both insert the same id: one lands, the other reads it back.
    return (await configurations.insert({ version: 1, tenantId, createdMs: nowMs, configuration })).record;
  }

  /** The record of an id (the default is made on its first use); only well-formed ids reach the store. */
  async function find(call: CallContext, id: string): Promise<PortalConfigurationRecord | undefined> {
    if (id === defaultId(call)) return ensureDefault(call);
    return isPortalConfigurationId(id) ? configurations.get(call.tenant.config.id, id) : undefined;
  }

  /**
   * `POST /v1/billing_portal/configurations`. The id derives from the operation (its key and first
   * start), so an SDK retry of the same create finds the configuration its first attempt made.
   */
  async function create(call: CallContext, bag: ParamBag): Promise<CreatedConfiguration> {
    const params = parseCreateConfigurationParams(bag);
    checkExpand(params.expand, false);
    const tenantId = call.tenant.config.id;
    const id = stableId('bpc', `${tenantId}\n${call.operation.key}\n${call.operation.startedAtMs}`);
    const blank = buildPortalConfigurationObject({
      id,
      created: Math.floor(call.operation.startedAtMs / 1000),
      livemode: call.livemode,
      isDefault: false,
    });
    const configuration = applyConfigurationParams(blank, params);
    const json = JSON.stringify(render(call, configuration));
    const answer = call.operation.answerToStore(json);
    const event = eventFor(tenantId, 'billing_portal.configuration.created', configuration, requestOf(call));
    const result = await configurations.insert({ version: 1, tenantId, createdMs: call.operation.startedAtMs, configuration }, event, answer);
    if (result.kind === 'exists') {
      call.logger.info({ configuration: id }, 'a retried configuration create found the configuration of its earlier attempt');
      return { json: JSON.stringify(render(call, result.record.configuration)) };
    }
    await publisher.queueRecorded(tenantId, event, call.logger);
    if (answer) call.operation.answerStored();
    return { json };
  }

  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    checkExpand(validateParams(retrieveSchema, bag).expand, false);
    const record = await find(call, id);
    if (!record) throw missing(id);
    return render(call, record.configuration);
  }

  /**
   * `POST /v1/billing_portal/configurations/:id`: a real change records `.updated` with the old
   * values of what changed (`previous_attributes`) and moves `updated`; one that changes nothing
   * records nothing. The default cannot be deactivated (there must be one for portal sessions).
   */
  async function update(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = parseUpdateConfigurationParams(bag);
    checkExpand(params.expand, false);
    const tenantId = call.tenant.config.id;
    if (!(await find(call, id))) throw missing(id);
    const result = await configurations.update(
      tenantId,
      id,
      (current) => {
        if (params.active === false && current.configuration.is_default) {
          throw new GatewayError('invalid_state', 'You cannot deactivate the default configuration.', 'active');
        }
        const next = applyConfigurationParams(current.configuration, params);
        if (previousAttributes(current.configuration, next) === undefined) return undefined;
        return { ...current, configuration: { ...next, updated: Math.max(current.configuration.updated, Math.floor(deps.now() / 1000)) } };
      },
      (next, previous) => eventFor(tenantId, 'billing_portal.configuration.updated', next.configuration, requestOf(call), previous.configuration),
    );
    if (result.kind === 'missing') throw missing(id);
    if (result.kind === 'updated') await publisher.queueRecorded(tenantId, result.announced, call.logger);
    return render(call, result.record.configuration);
  }

  /** `GET /v1/billing_portal/configurations`: newest first; `active`, `is_default`, cursors. */
  async function list(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listConfigurationsSchema, bag);
    checkCursors(params);
    checkExpand(params.expand, true);
    await ensureDefault(call);
    try {
      const page = await configurations.list(call.tenant.config.id, {
        limit: params.limit ?? 10,
        startingAfter: params.starting_after,
        endingBefore: params.ending_before,
        matches: (record) => matchesFilters(record.configuration, params),
      });
      return buildListObject(
        '/v1/billing_portal/configurations',
        page.records.map((record) => render(call, record.configuration)),
        page.hasMore,
      );
    } catch (error) {
      if (error instanceof UnknownCursorError) throw missing(error.cursor, params.starting_after !== undefined ? 'starting_after' : 'ending_before');
      throw error;
    }
  }

  /**
   * The configuration a portal session uses: the one named (`param: configuration` when it is not
   * the tenant's), else the default.
   */
  async function forPortalSession(call: CallContext, id: string | undefined): Promise<PortalConfigurationRecord> {
    if (id === undefined) return ensureDefault(call);
    const record = await find(call, id);
    if (!record) throw missing(id, 'configuration');
    return record;
  }

  return { create, retrieve, update, list, forPortalSession, render };
}

export type PortalConfigurationService = ReturnType<typeof createPortalConfigurationService>;

function matchesFilters(configuration: StripePortalConfiguration, params: ListConfigurationsParams): boolean {
  return (
    (params.active === undefined || configuration.active === params.active) &&
    (params.is_default === undefined || configuration.is_default === params.is_default)
  );
}

/** A configuration's only expandable field is `application`, which is always null here. */
function checkExpand(paths: string[] | undefined, inList: boolean): void {
  for (const path of paths ?? []) {
    if (path !== (inList ? 'data.application' : 'application')) {
      throw new GatewayError('parameter_invalid', `This property cannot be expanded (${path}).`, 'expand');
    }
  }
}
