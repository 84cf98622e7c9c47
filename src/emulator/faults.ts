import { z } from 'zod';
import { newId } from './ids';

/**
 * Fault injection rules (docs/loops-contract.md §6). A rule matches a method (optional) and a path glob
 * (`*` matches any run of characters, `/` included) against the request path without its query.
 */
export const faultSpecSchema = z
  .strictObject({
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((value) => value.toUpperCase())
      .optional(),
    path: z.string().regex(/^[/*]/, { error: 'path must be a glob starting with / or *' }),
    mode: z.enum(['latency', 'error', 'drop', 'hang']),
    latencyMs: z.int().min(0).max(600_000).optional(),
    status: z.int().min(400).max(599).optional(),
    // Error faults: the body form (§1: clients must cope with non-JSON and empty error bodies),
    // the error code and message of a JSON body, and a `Retry-After` header (§1: 429s carry one).
    body: z.enum(['json', 'empty', 'text']).default('json'),
    code: z.string().min(1).max(100).optional(),
    message: z.string().min(1).max(1000).optional(),
    retryAfterSeconds: z.int().min(0).max(86_400).optional(),
    probability: z.number().min(0).max(1).default(1),
    times: z.int().min(1).optional(),
    // 'before': on arrival; 'during': once the body is read, just before the request is carried
    // out (which then happens whether or not the client is still waiting); 'after': on the answer.
    phase: z.enum(['before', 'during', 'after']).default('before'),
  })
  .refine((spec) => spec.mode !== 'latency' || spec.latencyMs !== undefined, { error: 'latency faults need latencyMs', path: ['latencyMs'] })
  .refine((spec) => spec.mode === 'error' || (spec.code === undefined && spec.message === undefined && spec.retryAfterSeconds === undefined), {
    error: 'code, message and retryAfterSeconds apply to error faults only',
  });

export type FaultSpec = z.output<typeof faultSpecSchema>;

export interface Fault extends FaultSpec {
  id: string;
  /** How many times the rule fired; `times` rules are removed once this reaches `times`. */
  hits: number;
}

export class FaultStore {
  private faults: Fault[] = [];
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: newId('flt', 12), hits: 0 };
    this.faults.push(fault);
    this.patterns.set(fault.id, globToRegExp(spec.path));
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    this.patterns.delete(id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
    this.patterns.clear();
  }

  /** The first matching rule that fires (its probability roll succeeds); counts the hit. */
  take(method: string, path: string): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.method !== undefined && fault.method !== method.toUpperCase()) continue;
      if (!this.patterns.get(fault.id)?.test(path)) continue;
      if (fault.probability < 1 && this.random() >= fault.probability) continue;
      fault.hits += 1;
      if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
      return { ...fault };
    }
    return undefined;
  }
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
