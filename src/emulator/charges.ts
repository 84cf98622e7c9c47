import type { EmulatorContext } from './context';
import { newId } from './ids';
import type { ChargeRecord, ChargeStatus, Metadata } from './state';

export interface ChargeDraft {
  sessionId: string | null;
  subscriptionId: string | null;
  status: ChargeStatus;
  failureMessage?: string | null;
  amount: number;
  currency: string;
  customerEmail: string | null;
  metadata: Metadata;
}

/** Stores a charge (docs/loops-contract.md §5, §8.4) at the emulator clock's now; every charge has its own payment intent. */
export function recordCharge(context: EmulatorContext, draft: ChargeDraft): ChargeRecord {
  const charge: ChargeRecord = {
    id: newId('ch'),
    paymentIntentId: newId('pi'),
    amountRefunded: 0,
    createdMs: context.clock.nowMs(),
    ...draft,
    failureMessage: draft.failureMessage ?? null,
    metadata: { ...draft.metadata },
  };
  context.state.charges.set(charge.id, charge);
  return charge;
}
