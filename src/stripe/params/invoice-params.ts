import { z } from 'zod';
import { INVOICE_STATUSES } from '../../store/subscription-record';
import { createdFilter, paginationShape } from './list-params';
import { oneOf, optional, text } from './param-schemas';

/** `GET /v1/invoices` (docs/stripe-billing-contract.md §8 Params); newest first. */
export const listInvoicesSchema = z
  .object({
    ...paginationShape,
    collection_method: optional(oneOf(['charge_automatically', 'send_invoice'])),
    created: optional(createdFilter),
    customer: optional(text(255)),
    customer_account: optional(text(255)),
    due_date: optional(createdFilter),
    status: optional(oneOf(INVOICE_STATUSES)),
    subscription: optional(text(255)),
  })
  .strict();
export type ListInvoicesParams = z.output<typeof listInvoicesSchema>;
