/**
 * What the gateway's memory is made of, from its own `/metrics` (prom-client's default process
 * metrics): V8's heap in use and reserved, and memory outside the heap (Buffers), so an RSS figure
 * can be told apart into live objects, heap the GC has not given back, and buffers.
 */
export interface GatewayMemory {
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  rssMiB: number;
}

const GAUGES = {
  heapUsedMiB: 'gateway_nodejs_heap_size_used_bytes',
  heapTotalMiB: 'gateway_nodejs_heap_size_total_bytes',
  externalMiB: 'gateway_nodejs_external_memory_bytes',
  rssMiB: 'gateway_process_resident_memory_bytes',
} as const;

export async function gatewayMemory(gatewayUrl: string): Promise<GatewayMemory | undefined> {
  try {
    const response = await fetch(`${gatewayUrl}/metrics`);
    if (!response.ok) return undefined;
    const text = await response.text();
    const read = (name: string) => {
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? NaN : Math.round(Number(line.slice(name.length + 1)) / 2 ** 20);
    };
    return {
      heapUsedMiB: read(GAUGES.heapUsedMiB),
      heapTotalMiB: read(GAUGES.heapTotalMiB),
      externalMiB: read(GAUGES.externalMiB),
      rssMiB: read(GAUGES.rssMiB),
    };
  } catch {
    return undefined;
  }
}

export function describeMemory(memory: GatewayMemory | undefined): string {
  if (!memory) return '—';
  return `${memory.heapUsedMiB} / ${memory.heapTotalMiB} / ${memory.externalMiB} / ${memory.rssMiB}`;
}
