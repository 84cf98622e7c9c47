import { GatewayError } from '../../errors';
import { isLoopsError } from '../../loops/loops-error';
import { parseInvoiceExpand } from '../../stripe/params/billing-expand';
import { isInvoiceId } from '../../stripe/params/billing-ids';
import { listInvoicesSchema, type ListInvoicesParams } from '../../stripe/params/invoice-params';
import { checkCursors, listLineItemsSchema, matchesCreated, retrieveSchema } from '../../stripe/params/list-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import { validateParams } from '../../stripe/params/validate-params';
import { buildListObject } from '../../stripe/objects/list-object';
import { invoiceLinesUrl } from '../../stripe/objects/invoice-object';
import type { InvoiceRecord } from '../../store/subscription-record';
import type { InvoiceIndex, SubscriptionStore } from '../../store/subscription-store';
import { paginateArray } from '../checkout-sessions/paginate-array';
import type { CallContext } from '../call-context';
import { requireSubscriptions, type BillingContract } from '../subscriptions/billing-switch';
import { indexedList } from '../subscriptions/indexed-list';
import type { BillingRenderer } from '../subscriptions/render-billing';
import { createdRange, smallestIndex } from '../subscriptions/subscription-list-filters';
import type { SubscriptionSync } from '../subscriptions/subscription-sync';

export interface InvoiceServiceDeps {
  store: SubscriptionStore;
  sync: SubscriptionSync;
  render: BillingRenderer;
  contract: BillingContract;
}

type Rendered = Record<string, unknown>;

const notFound = (id: string) => new GatewayError('resource_missing', `No such invoice: '${id}'`, 'id');

/**
 * `invoices.retrieve / list / listLineItems` (docs/stripe-billing-contract.md §8): the invoices the
 * subscription sync derives from Loops' periods and charges (translate/plan-subscription-invoices.ts).
 * Reads come from the store; an open invoice (a renewal still being retried) is brought up to date
 * with Loops first, as a retrieve of its subscription would.
 */
export function createInvoiceService(deps: InvoiceServiceDeps) {
  const enabled = (what: string) => requireSubscriptions(deps.contract, what);

  async function load(call: CallContext, id: string): Promise<InvoiceRecord> {
    if (!isInvoiceId(id)) throw notFound(id);
    const tenantId = call.tenant.config.id;
    const invoice = await deps.store.getInvoice(tenantId, id);
    if (!invoice) throw notFound(id);
    if (invoice.status !== 'open') return invoice;
    try {
      await deps.sync.syncFromLoops(tenantId, invoice.subscriptionId, { source: 'retrieve' }, call.logger);
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      call.logger.warn({ tenant: tenantId, invoice: id, err: error.message }, 'Loops could not be read; serving the stored invoice');
      return invoice;
    }
    return (await deps.store.getInvoice(tenantId, id)) ?? invoice;
  }

  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(retrieveSchema, bag);
    enabled('GET /v1/invoices/:id');
    const expansion = parseInvoiceExpand(params.expand, false);
    return deps.render.invoice(await load(call, id), expansion, call.stripeVersion);
  }

  async function list(call: CallContext, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listInvoicesSchema, bag);
    checkCursors(params);
    enabled('GET /v1/invoices');
    const expansion = parseInvoiceExpand(params.expand, true);
    const tenantId = call.tenant.config.id;
    // The gateway's invoices are all charged automatically, have no due date and no v2 account.
    const none = params.collection_method === 'send_invoice' || params.due_date !== undefined || params.customer_account !== undefined;
    return indexedList({
      url: '/v1/invoices',
      objectName: 'invoice',
      params,
      isId: isInvoiceId,
      page: async (query) => {
        if (none) return { records: [], hasMore: false };
        const index = await smallestIndex(indexesFor(params), (candidate) => deps.store.countInvoices(tenantId, candidate));
        return deps.store.listInvoices(tenantId, {
          ...query,
          index,
          created: createdRange(params.created),
          matches: (invoice) => matchesFilters(invoice, params),
        });
      },
      render: (invoice) => deps.render.invoice(invoice, expansion, call.stripeVersion),
    });
  }

  /** `GET /v1/invoices/:id/lines`: the invoice's one line, paginated as Stripe pages lines. */
  async function listLines(call: CallContext, id: string, bag: ParamBag): Promise<Rendered> {
    const params = validateParams(listLineItemsSchema, bag);
    checkCursors(params);
    enabled('GET /v1/invoices/:id/lines');
    const expansion = parseInvoiceExpand(
      (params.expand ?? []).map((path) => (path.startsWith('data.') ? `lines.${path}` : path)),
      false,
    );
    const rendered = await deps.render.invoice(await load(call, id), expansion, call.stripeVersion);
    const lines = (rendered.lines as { data: { id: string }[] }).data;
    const page = paginateArray(lines, params.limit ?? 10, params.starting_after, params.ending_before);
    if (!page)
      throw new GatewayError(
        'param_resource_missing',
        `No such line item: '${(params.starting_after ?? params.ending_before ?? '').slice(0, 255)}'`,
        params.starting_after ? 'starting_after' : 'ending_before',
      );
    return buildListObject(invoiceLinesUrl(id), page.items, page.hasMore);
  }

  return { retrieve, list, listLines };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;

function indexesFor(params: ListInvoicesParams): InvoiceIndex[] {
  const candidates: InvoiceIndex[] = [{ kind: 'all' }];
  if (params.customer !== undefined) candidates.push({ kind: 'customer', customer: params.customer });
  if (params.subscription !== undefined) candidates.push({ kind: 'subscription', subscription: params.subscription });
  if (params.status !== undefined) candidates.push({ kind: 'status', status: params.status });
  return candidates;
}

function matchesFilters(invoice: InvoiceRecord, params: ListInvoicesParams): boolean {
  return (
    (params.customer === undefined || invoice.customer === params.customer) &&
    (params.subscription === undefined || invoice.subscriptionId === params.subscription) &&
    (params.status === undefined || invoice.status === params.status) &&
    matchesCreated(invoice.created, params.created)
  );
}
