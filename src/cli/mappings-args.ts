import { parseArgs } from 'node:util';
import { DEFAULT_TENANT } from '../config';
import { UsageError } from './cli-env';

export const MAPPINGS_USAGE = `Usage: npm run mappings -- <command> [options]
       stripe-loops-mappings <command> [options]

Commands:
  load                 merge mappings/<tenant>.json into the tenant's catalog in Redis, in one swap;
                       what was created or changed through the API since the file was written is
                       kept (and listed) unless --force
  export               write the tenant's whole live catalog (API-made products and prices included)
                       to mappings/<tenant>.json, atomically, to commit it
  verify               check every mapped Loops product exists and charges the mapped amount,
                       currency and interval; also compares Redis with the file
  show <stripe id>     a Stripe price (price_…) or product (prod_…): the file entry, what Redis
                       holds and the live Loops product

Options:
  --tenant <id>        tenant (default "${DEFAULT_TENANT}")
  --all                load, export: every configured tenant (load: each that has a mapping file)
  --force              load: the file replaces the catalog exactly, dropping API changes and
                       API-made objects it lacks; export: write even when Redis holds no catalog
  --concurrency <n>    verify: Loops reads in flight (default 8)
  -h, --help

Environment: the gateway's (LOOPS_API_BASE, LOOPS_API_KEY, GATEWAY_API_KEYS or TENANTS_FILE,
REDIS_URL, REDIS_KEY_PREFIX, MAPPINGS_DIR). Exit status: 0 ok, 1 problems found (verify: also duplicate
Loops products), 2 bad usage, 3 Loops or Redis could not be reached.`;

export interface MappingsArgs {
  command: 'load' | 'export' | 'verify' | 'show' | 'help';
  id: string | undefined;
  tenant: string;
  all: boolean;
  force: boolean;
  concurrency: number;
}

export function parseMappingsArgs(argv: string[]): MappingsArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        all: { type: 'boolean' },
        force: { type: 'boolean' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, id, ...extra] = positionals;
  if (values.help || command === 'help') return { command: 'help', id: undefined, tenant: DEFAULT_TENANT, all: false, force: false, concurrency: 8 };
  if (command !== 'load' && command !== 'export' && command !== 'verify' && command !== 'show')
    throw new UsageError(`Unknown command "${command ?? ''}"`);
  if (command === 'show' && !id) throw new UsageError('show needs a Stripe price or product id');
  if ((command !== 'show' && id) || extra.length > 0) throw new UsageError(`Unexpected argument "${command === 'show' ? extra[0] : id}"`);
  const concurrency = Number(values.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be an integer from 1 to 64');
  if (values.all && command !== 'load' && command !== 'export') throw new UsageError('--all applies to load and export only');
  if (values.force && command !== 'load' && command !== 'export') throw new UsageError('--force applies to load and export only');
  if (values.all && values.tenant) throw new UsageError('--all and --tenant cannot be combined');
  return { command, id, tenant: values.tenant ?? DEFAULT_TENANT, all: values.all ?? false, force: values.force ?? false, concurrency };
}
