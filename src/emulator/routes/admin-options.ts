import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { parseOr400 } from '../validation';

/** The options a test may change while the emulator runs; a reset leaves them as they are. */
const optionsSchema = z.strictObject({ honourIdempotencyKeys: z.boolean().optional() });

/**
 * `/_emulator/options`: `honourIdempotencyKeys: false` plays a Loops that ignores
 * `Idempotency-Key` (docs/loops-contract.md §7.7 is an open question), so clients can prove they never
 * create twice without relying on it.
 */
export function registerAdminOptionRoutes(router: Router, context: EmulatorContext): void {
  router.get('/_emulator/options', (ctx) => {
    ctx.body = optionsView(context);
  });

  router.post('/_emulator/options', (ctx) => {
    const changes = parseOr400(optionsSchema, ctx.request.body ?? {});
    if (changes.honourIdempotencyKeys !== undefined) context.config.honourIdempotencyKeys = changes.honourIdempotencyKeys;
    ctx.body = optionsView(context);
  });
}

function optionsView(context: EmulatorContext) {
  return { honourIdempotencyKeys: context.config.honourIdempotencyKeys };
}
