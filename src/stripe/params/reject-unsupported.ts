import { GatewayError } from '../../errors';
import { bracketPath } from './bracket-path';
import type { ParamTreatment } from './create-session-compat';
import type { ParamBag } from './param-bag';

/** Refuses a known Stripe parameter that Loops cannot honour, naming it and saying why. */
export function rejectUnsupported(bag: ParamBag, table: Record<string, ParamTreatment>, prefix: (string | number)[]): void {
  for (const [name, value] of Object.entries(bag)) {
    const entry = table[name];
    if (!entry || entry.treatment !== 'rejected' || value === '' || entry.accepts?.(value)) continue;
    const param = bracketPath([...prefix, name]);
    throw new GatewayError('parameter_unsupported', `The gateway does not support \`${param}\`: ${entry.note}`, param);
  }
}
