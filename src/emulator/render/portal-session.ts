import { toUnixSeconds } from '../clock';
import { portalUrl, type EmulatorContext } from '../context';
import type { PortalSessionRecord } from '../state';

/** The customer-portal session of docs/loops-contract.md §8.2, exactly its fields. */
export function renderPortalSession(context: EmulatorContext, portal: PortalSessionRecord) {
  return {
    id: portal.id,
    object: 'customer_portal.session' as const,
    url: portalUrl(context, portal.id),
    externalCustomerId: portal.externalCustomerId,
    returnUrl: portal.returnUrl,
    created: toUnixSeconds(portal.createdMs),
    expires_at: toUnixSeconds(portal.expiresMs),
  };
}
