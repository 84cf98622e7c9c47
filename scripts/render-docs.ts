import { ERROR_CATALOGUE } from '../src/errors/catalogue';
import { CATALOG_PARAMS } from '../src/stripe/params/catalog-compat';
import { CREATE_SESSION_PARAMS, LINE_ITEM_PARAMS, type ParamTreatment } from '../src/stripe/params/create-session-compat';
import { CUSTOMER_PARAMS } from '../src/stripe/params/customer-compat';
import { PORTAL_CONFIGURATION_PARAMS, PORTAL_SESSION_PARAMS } from '../src/stripe/params/portal-compat';
import { SUBSCRIPTION_DATA_PARAMS } from '../src/stripe/params/subscription-data-params';
import { UPDATE_SUBSCRIPTION_PARAMS } from '../src/stripe/params/subscription-update-compat';

/**
 * Tables in docs/ that are generated from the code that enforces them, so they cannot drift:
 * each lives between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` markers.
 * `npm run docs` rewrites them; test/docs/docs-sync.unit.test.ts fails when they are stale.
 */
export const GENERATED_BLOCKS: Record<string, { file: string; render: () => string }> = {
  'create-params': { file: 'docs/compatibility.md', render: () => paramTable(CREATE_SESSION_PARAMS, '') },
  'readme-create-params': { file: 'README.md', render: () => paramTable(CREATE_SESSION_PARAMS, '') },
  'line-item-params': { file: 'docs/compatibility.md', render: () => paramTable(LINE_ITEM_PARAMS, 'line_items[N]') },
  'subscription-data-params': { file: 'docs/compatibility.md', render: () => paramTable(SUBSCRIPTION_DATA_PARAMS, 'subscription_data') },
  'customer-params': { file: 'docs/compatibility.md', render: () => paramTable(CUSTOMER_PARAMS, '') },
  'portal-session-params': { file: 'docs/compatibility.md', render: () => paramTable(PORTAL_SESSION_PARAMS, '') },
  'portal-configuration-params': { file: 'docs/compatibility.md', render: () => paramTable(PORTAL_CONFIGURATION_PARAMS, '') },
  errors: { file: 'docs/errors.md', render: errorTable },
  'subscription-update-params': { file: 'docs/compatibility.md', render: () => paramTable(UPDATE_SUBSCRIPTION_PARAMS, '') },
  'catalog-params': { file: 'docs/compatibility.md', render: catalogTables },
};

/** One table per product and price endpoint (src/stripe/params/catalog-compat.ts). */
function catalogTables(): string {
  return Object.entries(CATALOG_PARAMS)
    .map(([endpoint, { params }]) => {
      const rows = Object.entries(params)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, note]) => `| \`${name}\` | ${note} |`);
      return [`**\`${endpoint}\`**`, '', ...(rows.length > 0 ? ['| parameter | details |', '|---|---|', ...rows] : ['No parameters.'])].join('\n');
    })
    .join('\n\n');
}

const TREATMENT_LABEL: Record<ParamTreatment['treatment'], string> = {
  translated: 'translated for Loops, stored and echoed',
  stored: 'stored and echoed (not sent to Loops)',
  applied: 'applied to the response',
  unhonoured: 'accepted and echoed, not honoured (refused in strict mode)',
  rejected: 'refused with a 400 (except the values noted)',
};

function paramTable(table: Record<string, ParamTreatment>, prefix: string): string {
  const rows = Object.entries(table)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => `| \`${prefix ? `${prefix}[${name}]` : name}\` | ${TREATMENT_LABEL[entry.treatment]} | ${entry.note} |`);
  return ['| parameter | treatment | details |', '|---|---|---|', ...rows].join('\n');
}

function errorTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(([name, spec]) => {
    const code = 'stripeCode' in spec ? `\`${spec.stripeCode}\`` : '—';
    const retry = 'shouldRetry' in spec ? ` (\`Stripe-Should-Retry: ${spec.shouldRetry}\`)` : '';
    return `| \`${name}\` | ${spec.status}${retry} | \`${spec.type}\` | ${code} | ${spec.when} |`;
  });
  return ['| error | HTTP status | Stripe `type` | Stripe `code` | when |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function replaceBlock(document: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`markers for ${name} are missing`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

export function readBlock(document: string, name: string): string | undefined {
  const match = new RegExp(`<!-- generated:${name} -->\\n([\\s\\S]*?)\\n<!-- /generated:${name} -->`).exec(document);
  return match?.[1];
}
