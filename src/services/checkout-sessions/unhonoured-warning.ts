import type { Logger } from '../../observability/logger';
import { CREATE_SESSION_PARAMS } from '../../stripe/params/create-session-compat';
import type { ParamBag } from '../../stripe/params/param-bag';
import { unhonouredParams } from '../../stripe/params/reject-unsupported';

/**
 * An accepted-but-unhonoured parameter (create-session-compat.ts) is logged once per tenant and
 * process, naming it: the operator learns which parts of the merchant's checkout Loops' page does
 * not carry out, without a log line per request. The set is bounded by tenants × the table's names.
 * The line goes to `logger`, the request's that first sent the parameter.
 */
export function createUnhonouredWarning(): (tenantId: string, bag: ParamBag, logger: Logger) => void {
  const warned = new Set<string>();
  return (tenantId, bag, logger) => {
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
