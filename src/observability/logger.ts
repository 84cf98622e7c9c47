import pino, { type Logger, type DestinationStream } from 'pino';
import { redactSecrets } from './redact-secrets';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Credentials are censored by field name at any depth, in log objects and child bindings.
      formatters: { log: redactSecrets, bindings: redactSecrets },
      // The scope of a scopedLogger (request id, tenant) goes in through the mixin rather than as
      // child bindings: merged with the line's own fields, a `tenant` given in both is written once
      // (bindings would write the key twice, which strict JSON readers refuse).
      mixin: (_line, _level, logger) => scopeMixin((logger as ScopedLogger)[LOG_SCOPE]),
    },
    destination,
  );
}

/**
 * The logger of one request, task run or delivery: every line it writes names what it serves
 * (`requestId`, and `tenant` once known), so one grep follows a request. Handed down explicitly
 * (ctx.state, CallContext, a task's argument) rather than found through an AsyncLocalStorage,
 * whose promise hooks cost every request ~13 % of its instructions (issue 13).
 */
export function scopedLogger(logger: Logger, scope: LogScope): Logger {
  const scoped: ScopedLogger = logger.child({});
  scoped[LOG_SCOPE] = scope;
  return scoped;
}

export interface LogScope {
  requestId: string;
  tenant?: string;
}

const LOG_SCOPE = Symbol('log scope');
type ScopedLogger = Logger & { [LOG_SCOPE]?: LogScope };

/** A fresh object per line: pino merges the line's fields into it. */
const scopeMixin = (scope: LogScope | undefined) => (scope ? { requestId: scope.requestId, tenant: scope.tenant } : {});
