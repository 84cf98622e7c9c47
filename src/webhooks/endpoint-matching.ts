/**
 * Stripe's `enabled_events`: `*` for everything, an exact type, or a wildcard on a dotted prefix
 * such as `checkout.session.*`.
 */
export function endpointWants(enabledEvents: string[], type: string): boolean {
  return enabledEvents.some((pattern) => {
    if (pattern === '*' || pattern === type) return true;
    return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
  });
}

/** The URLs of the endpoints that want events of this type. */
export function endpointsWanting(endpoints: { url: string; enabledEvents: string[] }[], type: string): string[] {
  return endpoints.filter((endpoint) => endpointWants(endpoint.enabledEvents, type)).map((endpoint) => endpoint.url);
}
