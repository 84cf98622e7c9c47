import { z } from 'zod';

/**
 * A customer of a tenant's directory. Loops has no customer object (docs/loops-contract.md §8): the gateway
 * keeps the directory itself, and the `cus_…` id is what it sends Loops as `externalCustomerId`.
 * The stored object is the Stripe customer in today's shape; what differs between API versions is
 * applied when it is rendered (stripe/objects/customer-object.ts). Parsed on every read: Redis is a
 * trust boundary too.
 */
export const storedCustomerSchema = z
  .object({
    id: z.string(),
    object: z.literal('customer'),
    created: z.number().int(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
  })
  .loose();

/** What a deleted customer is from then on (docs/stripe-billing-contract.md §2 "Deleted objects"). */
export const deletedCustomerSchema = z.object({ id: z.string(), object: z.literal('customer'), deleted: z.literal(true) }).strict();

export const customerRecordSchema = z.object({
  /** Bumped by every write; updates compare-and-set on it. */
  version: z.number().int(),
  tenantId: z.string(),
  /** Milliseconds; orders the indexes (Stripe lists newest first). `customer.created` is its second. */
  createdMs: z.number(),
  /**
   * The customer, or once deleted its stub: the details are dropped from the directory then (the
   * `customer.deleted` event keeps the last snapshot for the event retention), the id stays taken.
   */
  customer: z.union([deletedCustomerSchema, storedCustomerSchema]),
});

export type CustomerRecord = z.infer<typeof customerRecordSchema>;
export type StoredCustomer = z.infer<typeof storedCustomerSchema>;
export type DeletedCustomer = z.infer<typeof deletedCustomerSchema>;

export const isDeletedCustomer = (customer: CustomerRecord['customer']): customer is DeletedCustomer => 'deleted' in customer;

/** The live customer of a record, or undefined once deleted. */
export const liveCustomer = (record: CustomerRecord): StoredCustomer | undefined =>
  isDeletedCustomer(record.customer) ? undefined : record.customer;

/**
 * Search compares text case-insensitively (search-query.ts), list's `email` exactly
 * (docs/stripe-billing-contract.md §3): the email has an index for each reading, keyed by a digest.
 */
export const foldEmail = (email: string): string => email.toLowerCase();

/**
 * Only ids of this form are looked up: a client's path segment never reaches a Redis key
 * unchecked. The gateway makes `cus_` + 24 base62 characters; Stripe's own are 14 long.
 */
export const isCustomerId = (id: string): boolean => /^cus_[A-Za-z0-9]{1,64}$/.test(id);
