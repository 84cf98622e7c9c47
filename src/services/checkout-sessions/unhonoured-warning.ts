import type { Logger } from '../../observability/logger';
import { CREATE_SESSION_PARAMS } from '../../stripe/params/create-session-compat';
import type { ParamBag } from '../../stripe/params/param-bag';
import { unhonouredParams } from '../../stripe/params/reject-unsupported';

/**
 * An accepted-but-unhonoured parameter (create-session-compat.ts) is logged once per tenant and
 * process, naming it: the operator learns which parts of the merchant's checkout Loops' page does
 * not carry out, without a log line per request. The set is bounded by tenants × the table's names.
 */
export function createUnhonouredWarning(logger: Logger): (tenantId: string, bag: ParamBag) => void {
  const warned = new Set<string>();
  return (tenantId, bag) => {
    for (const param of unhonouredParams(bag, CREATE_SESSION_PARAMS)) {
      const key = `${tenantId}\n${param}`;
      if (warned.has(key)) continue;
      warned.add(key);
      logger.warn(
        { tenant: tenantId, param, note: CREATE_SESSION_PARAMS[param]?.note },
        `checkout parameter ${param} is accepted and echoed but not honoured by Loops' page (set STRICT_PARAMS=true to refuse it)`,
      );
    }
  };
}
