import { GatewayError } from '../errors';
import { LOOPS_METADATA_LIMITS, loopsMetadataBytes } from '../loops/metadata-limits';

/**
 * Metadata that Stripe accepts but Loops would refuse (docs/loops-contract.md §2: 5 KB JSON-encoded) is a
 * 400 naming `metadata`, before any Loops call: the merchant learns which parameter to shorten
 * instead of getting Loops' error without a `param`. Called with what will be sent: the create's
 * metadata, or on update the merged result.
 */
export function checkLoopsMetadata(metadata: Record<string, string> | undefined, param = 'metadata'): void {
  if (!metadata) return;
  const bytes = loopsMetadataBytes(metadata);
  if (bytes <= LOOPS_METADATA_LIMITS.maxJsonBytes) return;
  throw new GatewayError(
    'parameter_invalid',
    `Invalid ${param}: Loops accepts at most ${LOOPS_METADATA_LIMITS.maxJsonBytes} bytes of metadata once JSON-encoded, and this is ${bytes} bytes. ` +
      'Shorten or remove some keys or values.',
    param,
  );
}
