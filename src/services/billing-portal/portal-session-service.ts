import type { LoopsContractSwitches } from '../../config';
import { GatewayError } from '../../errors';
import { isLoopsError } from '../../loops/loops-error';
import { buildPortalSessionObject } from '../../stripe/objects/portal-session-object';
import type { ParamBag } from '../../stripe/params/param-bag';
import { parseCreatePortalSessionParams } from '../../stripe/params/portal-params';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { portalFeatureGaps } from '../../translate/portal-features';
import { requireContract } from '../../translate/require-contract';
import type { CallContext } from '../call-context';
import type { CustomerService } from '../customers/customer-service';
import type { EventPublisher } from '../events/event-publisher';
import type { PortalConfigurationService } from './portal-configuration-service';

export interface PortalSessionServiceDeps {
  customers: Pick<CustomerService, 'forCheckout'>;
  configurations: Pick<PortalConfigurationService, 'forPortalSession' | 'render'>;
  publisher: Pick<EventPublisher, 'publish'>;
  contract: LoopsContractSwitches;
}

/**
 * `billingPortal.sessions.create` (docs/stripe-billing-contract.md §9.1) as a Loops customer-portal
 * session (docs/loops-contract.md §8.2, LOOPS_CONTRACT.customerPortal): the customer must be the tenant's
 * (its `cus_…` id is the `externalCustomerId` its Loops subscriptions carry, checkout-completion.ts);
 * the answer is Stripe's object with Loops' `bps_…` id and `url`, so the merchant redirects straight
 * to Loops' page. Loops requires a return URL: the request's, else the configuration's
 * `default_return_url`. A configuration whose features Loops' portal does not match is refused
 * (portal-features.ts), as are deep-link flows Loops lacks (portal-compat.ts). The Loops
 * `Idempotency-Key` derives from the operation, so a retried request gets the same portal session;
 * `billing_portal.session.created` is recorded once per Loops session.
 */
export function createPortalSessionService(deps: PortalSessionServiceDeps) {
  return async function createPortalSession(call: CallContext, bag: ParamBag): Promise<Record<string, unknown>> {
    requireContract(deps.contract, 'customerPortal', 'A billing portal session');
    const params = parseCreatePortalSessionParams(bag);
    const expandConfiguration = checkExpand(params.expand);
    if (params.customer === undefined) throw new GatewayError('parameter_missing', 'Missing required param: customer.', 'customer');
    const customer = await deps.customers.forCheckout(call, params.customer);
    const configuration = (await deps.configurations.forPortalSession(call, params.configuration)).configuration;
    if (!configuration.active) {
      throw new GatewayError('parameter_invalid', `The configuration ${configuration.id} is not active.`, 'configuration');
    }
    const gaps = portalFeatureGaps(configuration.features);
    if (gaps.length > 0) {
      throw new GatewayError(
        'parameter_unsupported',
        `The gateway cannot honour configuration ${configuration.id}${params.configuration === undefined ? ' (the default)' : ''}: ${gaps.join('; ')}. ` +
          "Loops' portal is configured in Loops; it lists the customer's subscriptions with cancel at period end, resume and cancel now.",
        'configuration',
      );
    }
    const returnUrl = params.return_url ?? configuration.default_return_url;
    if (!returnUrl) {
      throw new GatewayError(
        'parameter_missing',
        "Missing required param: return_url. Loops' portal needs a URL to send the customer back to; pass `return_url` or set the configuration's `default_return_url`.",
        'return_url',
      );
    }
    let loops;
    try {
      loops = await call.tenant.loops.createPortalSession({ externalCustomerId: customer.id, returnUrl }, `${call.operation.key}-portal`);
    } catch (error) {
      throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
    }
    const session = buildPortalSessionObject({
      id: loops.id,
      url: loops.url,
      configuration: configuration.id,
      created: loops.created,
      customer: customer.id,
      livemode: call.livemode,
      locale: params.locale ?? null,
      returnUrl,
    });
    await deps.publisher.publish(
      call.tenant.config.id,
      {
        type: 'billing_portal.session.created',
        object: session,
        livemode: call.livemode,
        request: { id: call.requestId, idempotency_key: call.operation.idempotencyKey },
      },
      `billing-portal-session:${loops.id}`,
      call.logger,
    );
    // Not its id: Loops' portal page needs no key, so the `bps_` id opens it (docs/loops-contract.md §8.5).
    call.logger.info({ customer: customer.id }, 'billing portal session created');
    return expandConfiguration ? { ...session, configuration: deps.configurations.render(call, configuration) } : session;
  };
}

export type CreatePortalSession = ReturnType<typeof createPortalSessionService>;

/** `expand[]=configuration` is the session's only expansion. */
function checkExpand(paths: string[] | undefined): boolean {
  let configuration = false;
  for (const path of paths ?? []) {
    if (path !== 'configuration') throw new GatewayError('parameter_invalid', `This property cannot be expanded (${path}).`, 'expand');
    configuration = true;
  }
  return configuration;
}
