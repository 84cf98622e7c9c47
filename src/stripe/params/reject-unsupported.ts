import { GatewayError } from '../../errors';
import { bracketPath } from './bracket-path';
import type { ParamTreatment } from './create-session-compat';
import type { ParamBag, ParamValue } from './param-bag';

/** Per tenant: strict mode refuses the parameters Loops' page cannot honour instead of echoing them. */
export interface ParamPolicy {
  strict: boolean;
}

const LENIENT: ParamPolicy = { strict: false };

/**
 * Refuses a known Stripe parameter the gateway does not carry out, naming it and saying why:
 * always for `rejected` ones (they change what the customer pays or receives), and for
 * `unhonoured` ones in strict mode. Values that ask for nothing Loops lacks pass in every mode.
 */
export function rejectUnsupported(
  bag: ParamBag,
  table: Record<string, ParamTreatment>,
  prefix: (string | number)[],
  policy: ParamPolicy = LENIENT,
): void {
  for (const [name, value] of Object.entries(bag)) {
    const entry = table[name];
    if (!entry || !asksForMore(entry, value)) continue;
    const param = bracketPath([...prefix, name]);
    if (entry.treatment === 'rejected') {
      throw new GatewayError('parameter_unsupported', `The gateway does not support \`${param}\`: ${entry.note}`, param);
    }
    if (entry.treatment === 'unhonoured' && policy.strict) {
      throw new GatewayError(
        'parameter_unsupported',
        `The gateway runs in strict mode and does not honour \`${param}\`: ${entry.note} (Strict mode refuses such parameters instead of echoing them; see STRICT_PARAMS.)`,
        param,
      );
    }
  }
}

/** The unhonoured parameters a request asks for (in lenient mode they are echoed, and warned about once). */
export function unhonouredParams(bag: ParamBag, table: Record<string, ParamTreatment>): string[] {
  return Object.entries(bag)
    .filter(([name, value]) => table[name]?.treatment === 'unhonoured' && asksForMore(table[name], value))
    .map(([name]) => name);
}

function asksForMore(entry: ParamTreatment | undefined, value: ParamValue): boolean {
  return entry !== undefined && value !== '' && !entry.accepts?.(value);
}
