import { fillToLimit, NEAR_LIMIT } from '../../../test/helpers/hostile-bodies';

/**
 * The worst requests the bench could construct against the gateway's parameter layer (issue 10
 * "Hardening"), each at most the body limit: floods of empty objects, lists and keys, nesting,
 * long names and values, 5,000 values that each make a validation issue, lists just over their
 * cap, event type patterns that a regular expression would backtrack on, and ids of another
 * shape. All are refused, except the one valid wildcard, which is listed against stored events.
 */
export interface HostileCase {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  encoding?: 'form' | 'json';
  body?: string;
  /** The answer every request of the case gets. */
  status: number;
}

const times = (n: number, unit: (i: number) => string, separator: string) => Array.from({ length: n }, (_, i) => unit(i)).join(separator);

export function hostileCases(ids: { session: string; event: string; price: string }): HostileCase[] {
  const create = (name: string, encoding: 'form' | 'json', body: string, status = 400): HostileCase => ({
    name,
    method: 'POST',
    path: '/v1/checkout/sessions',
    encoding,
    body,
    status,
  });
  const get = (name: string, path: string, status = 400): HostileCase => ({ name, method: 'GET', path, status });
  const image = `https://images.example/${'p'.repeat(1150)}.png`;
  const fullItem = (i: number) =>
    [
      `line_items[${i}][price_data][currency]=usd`,
      `line_items[${i}][price_data][unit_amount]=100`,
      `line_items[${i}][price_data][product_data][name]=${'n'.repeat(4000)}`,
      `line_items[${i}][price_data][product_data][description]=${'d'.repeat(4000)}`,
      `line_items[${i}][quantity]=1`,
    ].join('&');

  return [
    create(
      'JSON: 1 MB of empty line items {}',
      'json',
      fillToLimit('{"line_items":[', () => '{}', ']}', ','),
    ),
    create(
      'JSON: 1 MB of empty lists []',
      'json',
      fillToLimit('{"line_items":[', () => '[]', ']}', ','),
    ),
    create(
      'JSON: 1 MB of metadata keys',
      'json',
      fillToLimit('{"metadata":{', (i) => `"k${i}":""`, '}}', ','),
    ),
    create('JSON: 400,000 nested lists', 'json', `{"line_items":${'['.repeat(400_000)}${']'.repeat(400_000)}}`),
    create('JSON: 4,999 metadata values, each a validation issue', 'json', `{"metadata":{${times(4999, (i) => `"k${i}":{}`, ',')}}}`),
    create(
      'JSON: 100 items × 8 images of 1.2 KB, refused at the end',
      'json',
      JSON.stringify({
        line_items: Array.from({ length: 100 }, (_, i) => ({
          price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x', images: Array.from({ length: 8 }, () => image) } },
          quantity: i === 99 ? 'x' : 1,
        })),
      }),
    ),
    create(
      'JSON: a 1 MB description',
      'json',
      JSON.stringify({
        line_items: [{ price_data: { currency: 'usd', unit_amount: 1, product_data: { name: 'x', description: 'd'.repeat(NEAR_LIMIT - 200) } } }],
      }),
    ),
    create(
      'form: line_items[][x]= flood',
      'form',
      fillToLimit('', () => 'line_items[][x]=', '', '&'),
    ),
    create(
      'form: line_items[i][x]= flood',
      'form',
      fillToLimit('', (i) => `line_items[${i}][x]=`, '', '&'),
    ),
    create(
      'form: 8-level names flood',
      'form',
      fillToLimit('', (i) => `a${i}[b][c][d][e][f][g][h]=`, '', '&'),
    ),
    create('form: 1 MB of separators', 'form', '&'.repeat(NEAR_LIMIT)),
    create('form: 1 MB of pluses in a value', 'form', `metadata[a]=${'+'.repeat(NEAR_LIMIT - 20)}`),
    create('form: 1 MB of percent-escapes in a value', 'form', `metadata[a]=${'%41'.repeat((NEAR_LIMIT - 20) / 3)}`),
    create(
      'form: 4,999 metadata pairs',
      'form',
      times(4999, (i) => `metadata[k${i}]=v`, '&'),
    ),
    create(
      'form: 2,000 unknown names of 490 characters',
      'form',
      times(2000, (i) => `${'k'.repeat(485)}${i}=`, '&'),
    ),
    create('form: 101 line items with 8 KB of product data each', 'form', times(101, fullItem, '&')),
    create(
      'form: 21 expansions of 500 characters',
      'form',
      `line_items[0][price]=${ids.price}&${times(21, () => `expand[]=${'x'.repeat(500)}`, '&')}`,
    ),
    create('form: an 800-character near-email', 'form', `line_items[0][price]=${ids.price}&customer_email=a@${'a.'.repeat(398)}@`),
    create(
      'form: a 5,000-character success_url with a raw TAB',
      'form',
      `line_items[0][price]=${ids.price}&success_url=https://x.example/${'a'.repeat(4970)}%09`,
    ),
    {
      name: 'update: 1 MB of empty objects',
      method: 'POST',
      path: `/v1/checkout/sessions/${ids.session}`,
      encoding: 'json',
      body: fillToLimit('{"metadata":{"a":"b"},"line_items":[', () => '{}', ']}', ','),
      status: 400,
    },
    get('events: type=***…x (255 characters)', `/v1/events?type=${'*'.repeat(254)}x&limit=100`),
    get('events: type=*.*.…x (127 whole-part stars), 20 events matched', `/v1/events?type=${'*.'.repeat(127)}x&limit=100`, 200),
    get(
      'events: 21 types of 255 characters with metacharacters',
      `/v1/events?${times(21, () => `types[]=${encodeURIComponent('(a+)+$.*'.repeat(31))}`, '&')}`,
    ),
    get('query: 1,500 pairs', `/v1/events?${times(1500, () => 'x[]=a', '&')}`),
    get('id: an event id with :delivered', `/v1/events/${ids.event}:delivered`, 404),
    get('id: a 3,000-character session id', `/v1/checkout/sessions/${'x'.repeat(3000)}`, 404),
    get('id: a 256-character price id', `/v1/prices/${'p'.repeat(256)}`, 404),
  ];
}
