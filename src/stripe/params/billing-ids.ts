/**
 * Which strings can be subscription and invoice ids. An id in a path, a cursor, a search token or a
 * Loops webhook becomes part of a Redis key (and of a Loops URL) only after passing these, so a
 * client's string never reaches a key unchecked. Subscription ids are Loops' own (`sub_…`, §8.1);
 * invoice ids are the gateway's (`in_…`, stable per subscription period).
 */
const SUBSCRIPTION_ID = /^sub_[A-Za-z0-9_]{1,100}$/;
const INVOICE_ID = /^in_[A-Za-z0-9]{1,100}$/;

export const isSubscriptionId = (id: string): boolean => SUBSCRIPTION_ID.test(id);
export const isInvoiceId = (id: string): boolean => INVOICE_ID.test(id);
