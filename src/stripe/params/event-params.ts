import { z } from 'zod';
import { eventTypePatternProblem } from './event-type-pattern';
import { createdFilter, paginationShape } from './list-params';
import { boolean, issue, list, optional, text } from './param-schemas';

/** `type`: an event type or a wildcard pattern of whole parts (event-type-pattern.ts). */
const eventTypePattern = text(255).superRefine((pattern, ctx) => {
  const problem = eventTypePatternProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: `Invalid type: ${problem}`, ...issue('parameter_invalid') });
});

/** `GET /v1/events` (docs/stripe-checkout-contract.md §6.1): `type` (with `*`), `types[]` (≤ 20), `created`, `delivery_success`. */
export const listEventsSchema = z
  .object({
    ...paginationShape,
    created: optional(createdFilter),
    delivery_success: optional(boolean()),
    type: optional(eventTypePattern),
    types: optional(list(text(255), 20)),
  })
  .strict();

export type ListEventsParams = z.output<typeof listEventsSchema>;
