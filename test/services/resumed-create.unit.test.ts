import { renderError } from '../../src/errors';
import type { LoopsV3Session } from '../../src/loops/loops-schemas';
import {
  CREATE_BEFORE_LOCK_END_MS,
  decideResumedCreate,
  mayStillSendCreate,
  outcomeUnknownError,
  uncertaintyOf,
  type MarkerSearch,
} from '../../src/services/checkout-sessions/resumed-create';

const SETTLE_MS = 30_000;
const session = { id: 'cs_earlier' } as LoopsV3Session;
const found: MarkerSearch = { kind: 'found', session };
const absent: MarkerSearch = { kind: 'absent' };
const unlisted: MarkerSearch = { kind: 'inconclusive', reason: 'listing_failed', detail: 'HTTP 503' };
const noMarker: MarkerSearch = { kind: 'inconclusive', reason: 'no_marker' };

describe('when a resumed create may create (resumed-create.ts)', () => {
  const settled = { unresolved: false, untilMs: 0 };
  const settling = { unresolved: true, untilMs: 10_000 };

  it('uses the session the marker found, even while an earlier create is still settling', () => {
    expect(decideResumedCreate(found, settling, 5000)).toEqual({ kind: 'use', session });
    expect(decideResumedCreate(found, settled, 5000)).toEqual({ kind: 'use', session });
  });

  it('creates when every earlier create was answered, whatever the search could see', () => {
    for (const search of [absent, unlisted, noMarker]) expect(decideResumedCreate(search, settled, 5000)).toEqual({ kind: 'create' });
  });

  it('refuses inside the window of an unanswered create, even when the search found nothing: it may land yet', () => {
    for (const search of [absent, unlisted, noMarker]) {
      expect(decideResumedCreate(search, settling, 9999)).toEqual({ kind: 'refuse', reason: 'settling', untilMs: 10_000 });
    }
  });

  it('after the window creates only on a conclusive search', () => {
    expect(decideResumedCreate(absent, settling, 10_000)).toEqual({ kind: 'create' });
    expect(decideResumedCreate(unlisted, settling, 10_000)).toEqual({
      kind: 'refuse',
      reason: 'listing_failed',
      detail: 'HTTP 503',
      untilMs: 10_000,
    });
    expect(decideResumedCreate(noMarker, settling, 10_000)).toMatchObject({ kind: 'refuse', reason: 'no_marker' });
    expect(decideResumedCreate({ kind: 'inconclusive', reason: 'page_limit' }, settling, 10_000)).toMatchObject({
      kind: 'refuse',
      reason: 'page_limit',
    });
  });
});

describe('what earlier attempts leave a resumed create unsure of', () => {
  it('nothing, when they all ended and every create was answered', () => {
    expect(uncertaintyOf({ unresolvedUntilMs: 0, unfinishedLockEndMs: null }, SETTLE_MS)).toEqual({ unresolved: false, untilMs: 0 });
  });

  it('a recorded unanswered create, until its window ends', () => {
    expect(uncertaintyOf({ unresolvedUntilMs: 40_000, unfinishedLockEndMs: null }, SETTLE_MS)).toEqual({ unresolved: true, untilMs: 40_000 });
  });

  it('an attempt that never ended (its gateway died): what it sent before its lock lapsed may land for one more window', () => {
    expect(uncertaintyOf({ unresolvedUntilMs: 0, unfinishedLockEndMs: 65_000 }, SETTLE_MS)).toEqual({ unresolved: true, untilMs: 95_000 });
    expect(uncertaintyOf({ unresolvedUntilMs: 40_000, unfinishedLockEndMs: 65_000 }, SETTLE_MS)).toEqual({ unresolved: true, untilMs: 95_000 });
  });

  it('this instance saw the unanswered create end: answered, it is settled; unanswered, what it did is unknown until its window ends', () => {
    const recorded = { unresolvedUntilMs: 40_000, unfinishedLockEndMs: null };
    expect(uncertaintyOf(recorded, SETTLE_MS, 'answered')).toEqual({ unresolved: false, untilMs: 0 });
    expect(uncertaintyOf(recorded, SETTLE_MS, 'unanswered')).toEqual({ unresolved: true, untilMs: 40_000 });
    // Even when recording it had failed.
    expect(uncertaintyOf({ unresolvedUntilMs: 0, unfinishedLockEndMs: null }, SETTLE_MS, 'unanswered')).toEqual({ unresolved: true, untilMs: 0 });
  });
});

describe('creates and the attempt’s lock', () => {
  it('are sent only while the lock surely holds, and always without a key', () => {
    expect(mayStillSendCreate(100_000, 100_000 - CREATE_BEFORE_LOCK_END_MS - 1)).toBe(true);
    expect(mayStillSendCreate(100_000, 100_000 - CREATE_BEFORE_LOCK_END_MS)).toBe(false);
    expect(mayStillSendCreate(null, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('the loops_outcome_unknown answer', () => {
  it('is a 504 api_error the SDK does not retry, saying until when and not to use a new key blindly', () => {
    const rendered = renderError(outcomeUnknownError({ kind: 'refuse', reason: 'settling', untilMs: 61_500 }, 50_000));
    expect(rendered.status).toBe(504);
    expect(rendered.headers).toEqual({ 'Stripe-Should-Retry': 'false', 'Retry-After': '12' });
    expect(rendered.body.error.type).toBe('api_error');
    expect(rendered.body.error.message).toContain(new Date(61_500).toISOString());
    expect(rendered.body.error.message).toContain('Do not retry with a new Idempotency-Key');
  });

  it('says when waiting will not help', () => {
    const rendered = renderError(outcomeUnknownError({ kind: 'refuse', reason: 'no_marker', untilMs: 0 }, 50_000));
    expect(rendered.headers).toEqual({ 'Stripe-Should-Retry': 'false' });
    expect(rendered.body.error.message).toContain('retrying with this key will not change that');
  });
});
