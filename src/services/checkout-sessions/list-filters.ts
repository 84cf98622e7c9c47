import { matchesCreated, type ListSessionsParams } from '../../stripe/params/list-params';
import type { ListQuery } from '../../store/list-scan';
import { sessionTerm } from '../../store/session-indexes';
import type { SessionRecord } from '../../store/session-record';
import { createdScoreRange } from '../created-score-range';

/**
 * The filters of `GET /v1/checkout/sessions` as a store query: what every listed session must
 * match, and the list indexes that narrow the walk to candidates (store/session-indexes.ts), so a
 * list's cost follows its matches, not the tenant's history.
 */
export function sessionListFilter(params: ListSessionsParams): Pick<ListQuery<SessionRecord>, 'matches' | 'narrow'> {
  const email = params.customer_details?.email;
  const groups = [
    params.status === undefined ? undefined : [sessionTerm.status(params.status)],
    params.customer === undefined ? undefined : [sessionTerm.customer(params.customer)],
    email === undefined ? undefined : [sessionTerm.email(email)],
    params.payment_link === undefined ? undefined : [sessionTerm.paymentLink(params.payment_link)],
    params.payment_intent === undefined ? undefined : [sessionTerm.paymentIntent(params.payment_intent)],
    params.subscription === undefined ? undefined : [sessionTerm.subscription(params.subscription)],
    // The gateway never sets customer_account, so that filter matches nothing: no index to read.
    params.customer_account === undefined ? undefined : [],
  ].filter((group) => group !== undefined);
  return { matches: (record) => matchesListFilters(record, params), narrow: { groups, ...createdScoreRange(params.created) } };
}

function matchesListFilters(record: SessionRecord, params: ListSessionsParams): boolean {
  const s = record.session;
  const email = s.customer_details?.email ?? s.customer_email;
  return (
    (params.status === undefined || s.status === params.status) &&
    (params.customer === undefined || s.customer === params.customer) &&
    (params.customer_details === undefined || email?.toLowerCase() === params.customer_details.email.toLowerCase()) &&
    (params.payment_link === undefined || s.payment_link === params.payment_link) &&
    (params.payment_intent === undefined || s.payment_intent === params.payment_intent) &&
    (params.subscription === undefined || s.subscription === params.subscription) &&
    params.customer_account === undefined &&
    matchesCreated(s.created, params.created)
  );
}
