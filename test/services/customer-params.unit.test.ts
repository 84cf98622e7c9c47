import { isGatewayError } from '../../src/errors';
import { applyCustomerParams } from '../../src/services/customers/apply-customer-params';
import { windowOfCreatedFilter, windowOfSearch } from '../../src/services/customers/created-window';
import { parseCustomerExpand } from '../../src/stripe/expand';
import { buildCustomerObject, renderCustomer } from '../../src/stripe/objects/customer-object';
import { parseCreateCustomerParams, parseUpdateCustomerParams } from '../../src/stripe/params/customer-params';
import { parseSearchQuery } from '../../src/stripe/params/search-query';
import { CUSTOMER_SEARCH_FIELDS } from '../../src/services/customers/customer-search';
import { WHOLE_HISTORY } from '../../src/store/customer-store';

const ENDIVE = '2026-10-28.endive';
const blank = () => buildCustomerObject({ id: 'cus_unit', created: 1_700_000_000, livemode: false });

describe('customer parameters applied', () => {
  it('create: empty values are "not set"; update: they clear, and hashes merge field by field', () => {
    const created = applyCustomerParams(
      blank(),
      parseCreateCustomerParams({ name: '', email: 'a@b.co', address: { city: 'Paris', line2: '' }, metadata: { a: '1', b: '' } }, ENDIVE),
    );
    expect(created).toMatchObject({
      name: null,
      email: 'a@b.co',
      address: { city: 'Paris', country: null, line1: null, line2: null, postal_code: null, state: null },
      metadata: { a: '1' },
    });
    const updated = applyCustomerParams(
      created,
      parseUpdateCustomerParams({ email: '', address: { country: 'FR' }, metadata: { a: '', c: '3' }, preferred_locales: '' }, ENDIVE),
    );
    expect(updated).toMatchObject({ email: null, address: { city: 'Paris', country: 'FR' }, metadata: { c: '3' }, preferred_locales: [] });
    expect(applyCustomerParams(updated, parseUpdateCustomerParams({ address: '', metadata: '' }, ENDIVE))).toMatchObject({
      address: null,
      metadata: {},
    });
  });

  it('replaces shipping whole, merges invoice_settings, and drops omittable names when cleared', () => {
    const withAll = applyCustomerParams(
      blank(),
      parseCreateCustomerParams(
        {
          shipping: { name: 'Ann', address: { city: 'Oslo' } },
          invoice_settings: { footer: 'Thanks', custom_fields: [{ name: 'PO', value: '42' }] },
          business_name: 'Ann AS',
          tax_exempt: 'exempt',
        },
        ENDIVE,
      ),
    );
    expect(withAll).toMatchObject({
      shipping: { name: 'Ann', phone: null, address: { city: 'Oslo', line1: null } },
      invoice_settings: { footer: 'Thanks', custom_fields: [{ name: 'PO', value: '42' }], default_payment_method: null, rendering_options: null },
      business_name: 'Ann AS',
      tax_exempt: 'exempt',
    });
    const changed = applyCustomerParams(
      withAll,
      parseUpdateCustomerParams(
        { shipping: { name: 'Bo', address: { line1: 'Main 1' } }, invoice_settings: { footer: '' }, business_name: '', tax_exempt: '' },
        ENDIVE,
      ),
    );
    expect(changed.shipping).toEqual({
      name: 'Bo',
      phone: null,
      address: { city: null, country: null, line1: 'Main 1', line2: null, postal_code: null, state: null },
    });
    expect(changed.invoice_settings).toMatchObject({ footer: null, custom_fields: [{ name: 'PO', value: '42' }] });
    expect(changed).not.toHaveProperty('business_name');
    expect(changed.tax_exempt).toBe('none');
  });

  it('refuses an update that would leave more than 50 metadata keys', () => {
    const full = { ...blank(), metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) };
    let error: unknown;
    try {
      applyCustomerParams(full, parseUpdateCustomerParams({ metadata: { extra: 'v' } }, ENDIVE));
    } catch (e) {
      error = e;
    }
    expect(isGatewayError(error) && error.param === 'metadata').toBe(true);
    expect(Object.keys(applyCustomerParams(full, parseUpdateCustomerParams({ metadata: { k0: '', extra: 'v' } }, ENDIVE)).metadata)).toHaveLength(50);
  });
});

describe('customer rendering and expansion', () => {
  it('leaves business_name and individual_name out before clover; a deleted customer is its stub in every version', () => {
    const named = { ...blank(), business_name: 'Acme', individual_name: 'Ann' };
    expect(renderCustomer(named, ENDIVE)).toMatchObject({ business_name: 'Acme', individual_name: 'Ann' });
    expect(renderCustomer(named, '2025-09-29')).not.toHaveProperty('business_name');
    expect(renderCustomer(named, '2024-06-20')).not.toHaveProperty('individual_name');
    const stub = { id: 'cus_gone', object: 'customer', deleted: true };
    expect(renderCustomer(stub, '2020-08-27', ['sources'])).toEqual(stub);
  });

  it('expands what it can answer truthfully and refuses the rest', () => {
    expect(parseCustomerExpand(['sources', 'tax_ids', 'default_source', 'test_clock'], false)).toEqual(['sources', 'tax_ids']);
    expect(parseCustomerExpand(['data.tax_ids'], true)).toEqual(['tax_ids']);
    for (const [paths, inList, errorName] of [
      [['subscriptions'], false, 'parameter_unsupported'],
      [['subscriptions.data.plan'], false, 'parameter_unsupported'],
      [['data.cash_balance'], true, 'parameter_unsupported'],
      [['sources'], true, 'parameter_invalid'],
      [['nope'], false, 'parameter_invalid'],
    ] as const) {
      let error: unknown;
      try {
        parseCustomerExpand([...paths], inList);
      } catch (e) {
        error = e;
      }
      expect(isGatewayError(error) && error.errorName === errorName && error.param === 'expand').toBe(true);
    }
  });
});

describe('creation windows', () => {
  const S = 1_700_000_000;
  it('turns a list’s created filter into inclusive ms bounds (created is the floor of the ms)', () => {
    expect(windowOfCreatedFilter(undefined)).toBe(WHOLE_HISTORY);
    expect(windowOfCreatedFilter(S)).toEqual({ minMs: S * 1000, maxMs: S * 1000 + 999 });
    expect(windowOfCreatedFilter({ gt: S, lte: S + 10 })).toEqual({ minMs: (S + 1) * 1000, maxMs: (S + 10) * 1000 + 999 });
    expect(windowOfCreatedFilter({ gte: S, lt: S + 10 })).toEqual({ minMs: S * 1000, maxMs: (S + 9) * 1000 + 999 });
    expect(windowOfCreatedFilter({ lt: S })).toEqual({ minMs: -Infinity, maxMs: (S - 1) * 1000 + 999 });
  });

  it('narrows a search only by the created clauses every match must satisfy', () => {
    const windowOf = (query: string) => windowOfSearch(parseSearchQuery(query, CUSTOMER_SEARCH_FIELDS));
    expect(windowOf(`created>=${S} AND created<${S + 5} AND name:'x'`)).toEqual({ minMs: S * 1000, maxMs: (S + 4) * 1000 + 999 });
    expect(windowOf(`created>${S} OR name:'x'`)).toBe(WHOLE_HISTORY);
    expect(windowOf(`-created>${S}`)).toBe(WHOLE_HISTORY);
    expect(windowOf("name:'x'")).toBe(WHOLE_HISTORY);
    const empty = windowOf(`created>${S} AND created<${S}`);
    expect(empty.minMs).toBeGreaterThan(empty.maxMs);
  });
});
