import type { Middleware } from 'koa';
import { GatewayError } from '../../errors';
import { loopsLoggingTo } from '../../loops/loops-client';
import { scopedLogger, type Logger } from '../../observability/logger';
import type { TenantContext } from '../../services/call-context';
import type { GatewayState } from '../gateway-state';

/** API key → tenant, built once from configuration. */
export type KeyRegistry = Map<string, TenantContext>;

export function buildKeyRegistry(tenants: TenantContext[]): KeyRegistry {
  return new Map(tenants.flatMap((tenant) => tenant.config.apiKeys.map((key) => [key, tenant] as const)));
}

/**
 * Stripe keys arrive as `Bearer <key>` (stripe-node) or as the Basic-auth user (curl -u key:).
 * A `sk_live_` key makes objects `livemode: true`. Errors never repeat a key in full.
 */
export function authenticate(keys: KeyRegistry, logger: Logger): Middleware<GatewayState> {
  return async (ctx, next) => {
    const key = presentedKey(ctx.get('Authorization'));
    if (!key) {
      throw new GatewayError(
        'authentication_missing',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    const tenant = keys.get(key);
    if (!tenant) throw new GatewayError('authentication_invalid', `Invalid API Key provided: ${maskKey(key)}`);
    // From here the request's lines name its tenant too, the Loops client's retry lines included.
    // A child of the root, not of the request's logger: a pino child of a child costs ~10 µs (V8
    // turns each fresh parent into a prototype), a child of the root well under 1 µs.
    const requestLogger = scopedLogger(logger, { requestId: ctx.state.requestId, tenant: tenant.config.id });
    ctx.state.logger = requestLogger;
    ctx.state.tenant = { config: tenant.config, loops: loopsLoggingTo(tenant.loops, requestLogger) };
    ctx.state.apiKey = key;
    ctx.state.livemode = key.startsWith('sk_live_') || key.startsWith('rk_live_');
    await next();
  };
}

function presentedKey(header: string): string | undefined {
  // Exactly "<scheme> <credentials>": anything after the credentials means a malformed header.
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2) return undefined;
  const [scheme, value = ''] = parts;
  if (scheme?.toLowerCase() === 'bearer') return value || undefined;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':', 1)[0] || undefined;
  }
  return undefined;
}

/** `sk_test_****abcd`: enough to recognise a key, not enough to use one. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(4)}${key.length > 12 ? key.slice(-4) : ''}`;
}
