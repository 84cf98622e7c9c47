import {
  STRIPE_SESSION_STATE,
  stateFromStatusName,
  stateFromV2,
  stateFromV3,
  stateFromV3AndV2,
  UnknownLoopsStateError,
  type LoopsSessionState,
} from '../../src/translate/session-state';

describe('Loops session state → Stripe status', () => {
  it('maps every Loops state, with failed and cancelled as expired (never payable again)', () => {
    expect(STRIPE_SESSION_STATE).toEqual({
      open: { status: 'open', payment_status: 'unpaid' },
      completed: { status: 'complete', payment_status: 'paid' },
      expired: { status: 'expired', payment_status: 'unpaid' },
      failed: { status: 'expired', payment_status: 'unpaid' },
      cancelled: { status: 'expired', payment_status: 'unpaid' },
    });
  });

  it('reads both spellings of status names and refuses unknown ones with context', () => {
    expect(
      ['PENDING', 'open', 'COMPLETED', 'completed', 'EXPIRED', 'CANCELLED', 'canceled', 'FAILED'].map((s) => stateFromStatusName(s, 'cs_1')),
    ).toEqual(['open', 'open', 'completed', 'completed', 'expired', 'cancelled', 'cancelled', 'failed']);
    expect(() => stateFromV2({ id: 'cs_9', status: 'REFUNDING' })).toThrow(new UnknownLoopsStateError('status "REFUNDING" on cs_9'));
  });

  it('derives V3 state from payment_status and expires_at, as V3 objects carry no status', () => {
    const now = 1_000_000;
    expect(stateFromV3({ id: 'cs', payment_status: 'paid', expires_at: now - 10 }, now)).toBe('completed');
    expect(stateFromV3({ id: 'cs', payment_status: 'unpaid', expires_at: now + 10 }, now)).toBe('open');
    expect(stateFromV3({ id: 'cs', payment_status: 'unpaid', expires_at: now }, now)).toBe('expired');
    expect(stateFromV3({ id: 'cs', payment_status: 'unpaid', status: 'failed', expires_at: now + 10 }, now)).toBe('failed');
    expect(() => stateFromV3({ id: 'cs', payment_status: 'pending' }, now)).toThrow(UnknownLoopsStateError);
  });

  it('combines V3 with the V2 status: a payment wins, then a final V2 status, then V3', () => {
    const states: LoopsSessionState[] = ['open', 'completed', 'expired', 'failed', 'cancelled'];
    const table = Object.fromEntries(states.map((v3) => [v3, Object.fromEntries(states.map((v2) => [v2, stateFromV3AndV2(v3, v2)]))]));
    expect(table).toEqual({
      open: { open: 'open', completed: 'completed', expired: 'expired', failed: 'failed', cancelled: 'cancelled' },
      completed: { open: 'completed', completed: 'completed', expired: 'completed', failed: 'completed', cancelled: 'completed' },
      // V3 "expired" is the clock (past expires_at); Loops' own final word is more precise.
      expired: { open: 'expired', completed: 'completed', expired: 'expired', failed: 'failed', cancelled: 'cancelled' },
      failed: { open: 'failed', completed: 'completed', expired: 'expired', failed: 'failed', cancelled: 'cancelled' },
      cancelled: { open: 'cancelled', completed: 'completed', expired: 'expired', failed: 'failed', cancelled: 'cancelled' },
    });
  });
});
