import pino, { type Logger, type DestinationStream } from 'pino';
import { redactSecrets } from './redact-secrets';
import { requestContext } from './request-context';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Credentials are censored by field name at any depth, in log objects and child bindings.
      formatters: { log: redactSecrets, bindings: redactSecrets },
      // Every line written while serving a request names it, so one grep follows a request.
      mixin() {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId, tenant: context.tenantId } : {};
      },
    },
    destination,
  );
}
