import { z } from 'zod';
import type { EmulatorContext } from './context';
import { sweepExpired } from './session-lifecycle';
import type { SessionRecord, SessionStatus } from './state';
import { pagingQuery } from './validation';

/**
 * The list filter `status` accepts both spellings found across Loops' pages (docs/loops-contract.md §3.2):
 * `open|completed|expired|failed` and `PENDING|COMPLETED|EXPIRED|CANCELLED|FAILED`.
 * `CANCELLED` matches nothing, since no session is ever cancelled (§4: cancel keeps it open).
 */
const STATUS_SPELLINGS = {
  open: 'open',
  completed: 'completed',
  expired: 'expired',
  failed: 'failed',
  PENDING: 'open',
  COMPLETED: 'completed',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
  FAILED: 'failed',
} as const satisfies Record<string, SessionStatus | 'cancelled'>;

type StatusSpelling = keyof typeof STATUS_SPELLINGS;

export const sessionListQuerySchema = z.object({
  ...pagingQuery,
  status: z
    .enum(Object.keys(STATUS_SPELLINGS) as [StatusSpelling, ...StatusSpelling[]])
    .transform((value) => STATUS_SPELLINGS[value])
    .optional(),
  externalCustomerId: z.string().optional(),
});

export type SessionListQuery = z.output<typeof sessionListQuerySchema>;

/**
 * Matching sessions in creation order, oldest first [chosen]: offset paging then stays stable
 * while new sessions are created. Due expiries are applied first so the filter sees them.
 */
export function listSessions(context: EmulatorContext, query: SessionListQuery): SessionRecord[] {
  sweepExpired(context);
  return [...context.state.sessions.values()].filter(
    (session) =>
      (query.status === undefined || session.status === query.status) &&
      (query.externalCustomerId === undefined || session.externalCustomerId === query.externalCustomerId),
  );
}
