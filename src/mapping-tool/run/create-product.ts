import { isLoopsError, type LoopsFailure } from '../../loops/loops-error';
import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsV3Product } from '../../loops/loops-schemas';
import type { LoopsIndex } from '../loops/loops-index';
import { decideLink } from '../loops/match-loops-product';
import type { PlanItem } from '../plan/plan';
import { classifyCreateFailure, createBackoffMs } from './create-retry-policy';
import { createProductKey } from './idempotency-key';

export type CreateItem = Extract<PlanItem, { action: 'create' }>;

export type CreateOutcome =
  | { kind: 'created'; product: LoopsV3Product; attempts: number; foundOnRecheck: boolean }
  /**
   * `failure`: the last Loops failure, when the last problem was one (the gateway answers by it);
   * `conflict`: Loops has a product tagged with the price that charges something else.
   */
  | { kind: 'failed'; reason: string; attempts: number; failure?: LoopsFailure; conflict?: true };

/** Loops refused the tool's own credentials: no other price can succeed either. */
export class MappingAbort extends Error {
  override name = 'MappingAbort';
}

export interface CreateDeps {
  tenantId: string;
  loops: LoopsClient;
  index: LoopsIndex;
  maxAttempts: number;
  sleep(ms: number): Promise<void>;
  onRetry?(priceId: string, attempt: number, problem: string, delayMs: number): void;
  /**
   * Look for a product tagged with the price before the first attempt: an earlier attempt of the
   * same operation (a retried API request) may have made it before it failed.
   */
  lookFirst?: boolean;
}

/**
 * Creates one price's Loops product, duplicate-free: every attempt carries the same deterministic
 * Idempotency-Key, and after any failure that Loops may have acted on, Loops is listed again and a
 * product tagged with this price is taken instead of creating another (docs/loops-contract.md §7.7: whether
 * Loops honours the key is unknown, so the key alone is not trusted).
 */
export async function createProduct(item: CreateItem, deps: CreateDeps): Promise<CreateOutcome> {
  const key = createProductKey(deps.tenantId, item.priceId);
  let recheckSince: number | undefined = deps.lookFirst ? deps.index.clock() : undefined;
  let problem = 'not attempted';
  let lastFailure: LoopsFailure | undefined;

  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    if (attempt > 1) {
      const delay = createBackoffMs(attempt - 1, lastFailure);
      deps.onRetry?.(item.priceId, attempt, problem, delay);
      await deps.sleep(delay);
    }
    if (recheckSince !== undefined) {
      const found = await recheck(item, deps, recheckSince);
      if (found.kind === 'unreachable') {
        problem = found.problem;
        lastFailure = undefined;
        continue;
      }
      if (found.kind === 'link') return created(found.product, attempt, true);
      if (found.kind === 'conflict') return { kind: 'failed', reason: found.reason, attempts: attempt, conflict: true };
      recheckSince = undefined;
    }
    try {
      return created(await deps.loops.createProductV3(item.body, key), attempt, false);
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      lastFailure = error.failure;
      problem = error.message;
      const kind = classifyCreateFailure(error.failure);
      if (kind === 'fatal') throw new MappingAbort(`${error.message}${credentialsHint(error.failure)}`);
      if (kind === 'rejected') return failed(`Loops rejected the product: ${error.message}`, attempt, error.failure);
      if (kind === 'ambiguous') recheckSince = deps.index.clock();
    }
  }
  if (recheckSince !== undefined) {
    // The last attempt may have created it after all: say so rather than report a failure.
    const found = await recheck(item, deps, recheckSince);
    if (found.kind === 'link') return created(found.product, deps.maxAttempts, true);
  }
  return failed(`gave up after ${deps.maxAttempts} attempts: ${problem}`, deps.maxAttempts, lastFailure);
}

type Recheck =
  { kind: 'link'; product: LoopsV3Product } | { kind: 'conflict'; reason: string } | { kind: 'absent' } | { kind: 'unreachable'; problem: string };

async function recheck(item: CreateItem, deps: CreateDeps, since: number): Promise<Recheck> {
  try {
    await deps.index.refreshSince(since);
  } catch (error) {
    return { kind: 'unreachable', problem: `could not re-check Loops before retrying: ${(error as Error).message}` };
  }
  const decision = decideLink(deps.index.find(item.priceId), item.draft, item.priceId);
  if (decision.kind === 'none') return { kind: 'absent' };
  return decision;
}

const created = (product: LoopsV3Product, attempts: number, foundOnRecheck: boolean): CreateOutcome => ({
  kind: 'created',
  product,
  attempts,
  foundOnRecheck,
});
const failed = (reason: string, attempts: number, failure?: LoopsFailure): CreateOutcome =>
  failure ? { kind: 'failed', reason, attempts, failure } : { kind: 'failed', reason, attempts };

/** What to check when Loops refuses the tool's credentials. */
export function credentialsHint(failure: LoopsFailure): string {
  return failure.kind === 'http' && (failure.status === 401 || failure.status === 403)
    ? ' (check LOOPS_API_KEY and LOOPS_API_BASE for this tenant)'
    : '';
}
