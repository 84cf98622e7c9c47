/**
 * Loops' metadata limits (docs/loops-contract.md §2): at most 50 keys, string keys and values, and at most
 * 5 KB once JSON-encoded; a violation is a 400. Stripe's own limits (50 keys of 40 characters,
 * values of 500) allow far more than 5 KB, so the gateway checks this one too.
 */
export const LOOPS_METADATA_LIMITS = { maxKeys: 50, maxJsonBytes: 5 * 1024 } as const;

/** Bytes of `JSON.stringify(metadata)` in UTF-8: what Loops measures. */
export function loopsMetadataBytes(metadata: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(metadata), 'utf8');
}

export function fitsLoopsMetadata(metadata: Record<string, string>): boolean {
  return Object.keys(metadata).length <= LOOPS_METADATA_LIMITS.maxKeys && loopsMetadataBytes(metadata) <= LOOPS_METADATA_LIMITS.maxJsonBytes;
}
