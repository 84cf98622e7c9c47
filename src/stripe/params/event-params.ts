import { z } from 'zod';
import { createdFilter, paginationShape } from './list-params';
import { boolean, list, optional, text } from './param-schemas';

/** `GET /v1/events` (stripe-surface.md §6.1): `type` (with `*`), `types[]` (≤ 20), `created`, `delivery_success`. */
export const listEventsSchema = z
  .object({
    ...paginationShape,
    created: optional(createdFilter),
    delivery_success: optional(boolean()),
    type: optional(text(255)),
    types: optional(list(text(255), 20)),
  })
  .strict();

export type ListEventsParams = z.output<typeof listEventsSchema>;

/** `checkout.session.*` → matches every `checkout.session.…` type. */
export function eventTypeMatcher(pattern: string): (type: string) => boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (type) => regex.test(type);
}
