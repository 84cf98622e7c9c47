import { hash } from 'node:crypto';
import { fitsLoopsMetadata } from '../loops/metadata-limits';

/**
 * The gateway's second guard against one logical create making two Loops sessions. The first is
 * the Loops `Idempotency-Key`, but whether Loops honours it is unknown (docs/loops-contract.md §7.7). So the
 * Loops session also carries, in its metadata, a marker of the operation that made it; a retry of
 * an operation whose earlier attempt left no answer looks for a session with its marker before
 * creating one (find-marked-session.ts).
 *
 * The marker is left out when the merchant's metadata leaves no room for it within Loops' limits
 * (50 keys, 5 KB) or already uses the key: then a retry cannot look, and one whose earlier create
 * went unanswered refuses to create (services/checkout-sessions/resumed-create.ts).
 * Merchants never see it: the session object is built from the request, not from Loops' metadata.
 */
export const OPERATION_MARKER_KEY = 'gateway_operation';

/** Derived from the operation key, so every attempt of one operation carries the same marker. */
export function operationMarker(operationKey: string): string {
  return hash('sha256', `session-marker\n${operationKey}`, 'hex').slice(0, 32);
}

/** The metadata sent to Loops: the merchant's, plus the marker when it fits. */
export function withOperationMarker(metadata: Record<string, string> | undefined, marker: string): Record<string, string> | undefined {
  if (metadata && Object.hasOwn(metadata, OPERATION_MARKER_KEY)) return metadata;
  const marked = { ...metadata, [OPERATION_MARKER_KEY]: marker };
  return fitsLoopsMetadata(marked) ? marked : metadata;
}

/** True when a Loops object's metadata carries this marker. */
export function carriesMarker(metadata: Record<string, unknown> | null | undefined, marker: string): boolean {
  return metadata?.[OPERATION_MARKER_KEY] === marker;
}
