import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_KEYS, useStack } from '../helpers/stack';

/** Debian's python3-stripe lives in the system interpreter's dist-packages. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A second official SDK, another language and an older API version, against the same gateway. */
describe('Python stripe package (python3-stripe)', () => {
  const stack = useStack();

  it('creates, retrieves, lists (auto-paging) and gets Stripe error classes; customers create, list, modify, search, delete; makes and lists a catalog', async () => {
    const driver = join(__dirname, 'python', 'stripe_python_driver.py');
    const { stdout } = await promisify(execFile)(PYTHON, [driver, stack.url, TEST_KEYS.gateway], { timeout: 60_000 }).catch(
      (error: { stderr?: string }) => {
        throw new Error(`python driver failed (is python3-stripe installed? .ci/run installs it):\n${error.stderr ?? String(error)}`);
      },
    );
    const report = JSON.parse(stdout);
    expect(report.created).toEqual({
      id: expect.any(String),
      object: 'checkout.session',
      status: 'open',
      amount_total: 5250,
      currency: 'usd',
      metadata: { order_id: 'py-1' },
      client_reference_id: 'py-user',
      success_url: 'https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}',
      url: `${stack.emulator.url}/checkout/${report.created.id}`,
      // python3-stripe 5 sends no Stripe-Version (Stripe would use the account's default), so
      // the gateway renders its default version.
      ui_mode: 'hosted_page',
      line_item_prices: ['price_tshirt', 'price_mug'],
    });
    expect(report.retrieved).toEqual({ id: report.created.id, amount_total: 5250, has_line_items: false });
    expect(report.list_first_page).toEqual({ count: 2, has_more: true, object: 'list' });
    expect(report.list_all_ids).toHaveLength(4);
    expect(new Set(report.list_all_ids).size).toBe(4);
    expect(report.list_all_ids).toContain(report.created.id);
    expect(report.error).toMatchObject({ class: 'InvalidRequestError', http_status: 400, code: 'resource_missing', param: 'line_items[0][price]' });
    expect(report.missing).toEqual({ class: 'InvalidRequestError', http_status: 404, code: 'resource_missing' });
    expect(report.auth).toEqual({ class: 'AuthenticationError', http_status: 401 });

    const customers = report.customers;
    const id = customers.created.id;
    expect(customers.created).toEqual({
      id: expect.stringMatching(/^cus_/),
      object: 'customer',
      email: 'py.customer@example.com',
      metadata: { source: 'python' },
    });
    expect([customers.listed_ids, customers.listed_has_more]).toEqual([[id], false]);
    expect(customers.all_ids).toHaveLength(2);
    expect(customers.all_ids[1]).toBe(id);
    expect(customers.modified_phone).toBe('+15550001111');
    expect(customers.found).toEqual({ object: 'search_result', ids: [id], has_more: false });
    expect(customers.deleted).toEqual({ id, deleted: true });
    expect(customers.retrieved_deleted).toBe(true);
    // Products and prices through the API (issue 11): created, listed by lookup key with the product expanded, auto-paged.
    const catalog = report.catalog;
    expect(catalog.product).toEqual({ id: expect.stringMatching(/^prod_/), name: 'Py plan', description: 'Made from Python' });
    expect(catalog.monthly).toEqual({
      id: expect.stringMatching(/^price_/),
      product: catalog.product.id,
      unit_amount: 1200,
      interval: 'month',
      trial_period_days: 14,
    });
    expect(catalog.by_key).toEqual([
      ['py_monthly', 'Py plan', 1200],
      ['py_yearly', 'Py plan', 12000],
    ]);
    expect(catalog.recurring_ids).toEqual(expect.arrayContaining([catalog.monthly.id, catalog.yearly_id, 'price_pro_monthly']));
    expect(new Set(catalog.recurring_ids).size).toBe(catalog.recurring_ids.length);
    expect(catalog.weekly).toEqual({ class: 'InvalidRequestError', http_status: 400, param: 'recurring[interval]' });
  });
});
