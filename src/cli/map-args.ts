import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_TENANT } from '../config';
import { MAP_DEFAULTS } from '../mapping-tool/map-catalog';
import { MAP_RETRY } from '../mapping-tool/run/create-retry-policy';
import { UsageError } from './cli-env';

export const MAP_USAGE = `Usage: npm run map -- [options]
       stripe-loops-map [options]

Copies a Stripe catalog into Loops products and writes mappings/<tenant>.json.

Source (one of):
  (default)                 read the Stripe API with STRIPE_SECRET_KEY
  --stripe-api-base <url>   a non-default Stripe API host (or STRIPE_API_BASE), e.g. http://127.0.0.1:12111;
                            plain http only to this machine (loopback), since STRIPE_SECRET_KEY goes there
  --allow-insecure-stripe-api-base
                            allow a plain-http Stripe API base on another machine
  --from-file <path>        a JSON export: \`stripe prices list --expand data.product\` (or
                            \`stripe prices search\`), products with expanded default_price (their
                            default price only), or several list outputs appended

Options:
  --tenant <id>             tenant to map (default "${DEFAULT_TENANT}")
  --include-inactive        also map archived prices and prices of archived products
  --dry-run                 print the plan; create, write and load nothing
  --no-load                 write the mapping file but do not load it into Redis
  --concurrency <n>         Loops creates in flight (default ${MAP_DEFAULTS.concurrency})
  --batch-size <n>          prices per mapping-file write (default ${MAP_DEFAULTS.batchSize})
  --max-attempts <n>        attempts per price on 429/5xx/timeouts (default ${MAP_RETRY.maxAttempts})
  --lock-wait <seconds>     how long to wait for another run of this tenant (default 600)
  -h, --help

Environment: the gateway's (LOOPS_API_BASE, LOOPS_API_KEY, GATEWAY_API_KEYS or TENANTS_FILE,
REDIS_URL, REDIS_KEY_PREFIX, MAPPINGS_DIR) plus STRIPE_SECRET_KEY and STRIPE_API_BASE.
Exit status: 0 all mapped or skipped, 1 some prices failed, duplicate Loops products were found or the
catalog was incomplete, 2 bad usage or configuration, 3 stopped early.`;

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const optionsSchema = z.object({
  tenant: z.string().min(1).default(DEFAULT_TENANT),
  fromFile: z.string().min(1).optional(),
  stripeApiBase: z.string().min(1).optional(),
  allowInsecureStripeApiBase: z.boolean().default(false),
  includeInactive: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  noLoad: z.boolean().default(false),
  concurrency: count(1, 64).default(MAP_DEFAULTS.concurrency),
  batchSize: count(1, 10_000).default(MAP_DEFAULTS.batchSize),
  maxAttempts: count(1, 20).default(MAP_RETRY.maxAttempts),
  lockWaitSeconds: count(0, 86_400).default(600),
  help: z.boolean().default(false),
});

export type MapArgs = z.output<typeof optionsSchema>;

export function parseMapArgs(argv: string[]): MapArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        tenant: { type: 'string' },
        'from-file': { type: 'string' },
        'stripe-api-base': { type: 'string' },
        'allow-insecure-stripe-api-base': { type: 'boolean' },
        'include-inactive': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'no-load': { type: 'boolean' },
        concurrency: { type: 'string' },
        'batch-size': { type: 'string' },
        'max-attempts': { type: 'string' },
        'lock-wait': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = optionsSchema.safeParse({
    tenant: values.tenant,
    fromFile: values['from-file'],
    stripeApiBase: values['stripe-api-base'],
    allowInsecureStripeApiBase: values['allow-insecure-stripe-api-base'],
    includeInactive: values['include-inactive'],
    dryRun: values['dry-run'],
    noLoad: values['no-load'],
    concurrency: values.concurrency,
    batchSize: values['batch-size'],
    maxAttempts: values['max-attempts'],
    lockWaitSeconds: values['lock-wait'],
    help: values.help,
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--${flagName(String(issue.path[0]))}: ${issue.message}`).join('\n'));
  if (parsed.data.fromFile && parsed.data.stripeApiBase) throw new UsageError('--from-file and --stripe-api-base cannot be combined');
  return parsed.data;
}

/** `batchSize` → `batch-size`, as the user typed it. */
function flagName(key: string): string {
  if (key === 'lockWaitSeconds') return 'lock-wait';
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
