import pino, { type Logger, type DestinationStream } from 'pino';
import { requestContext } from './request-context';

export type { Logger };

/**
 * Fields that may carry credentials. pino removes them before serialising, so a secret never
 * reaches a log line even when a whole config object or request is logged by mistake.
 */
const SECRET_FIELDS = [
  'authorization',
  'apiKey',
  'apiKeys',
  'loopsApiKey',
  'secret',
  'secrets',
  'webhookSecret',
  'webhookSecrets',
  'loopsWebhookSecret',
  'password',
  'stripe-signature',
  'x-loops-signature',
  'idempotencyKeySecret',
];

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key.startsWith('[') ? key.slice(2, -2) : key, join('*'), join('*.*'), join('req.headers'), join('res.headers')];
});

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      // Every line written while serving a request names it, so one grep follows a request.
      mixin() {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId, tenant: context.tenantId } : {};
      },
    },
    destination,
  );
}
