import { startHarness, USD_PRODUCT, type Harness } from './support/harness';

const MUG = { id: 'prod_mug', defaultPriceId: 'price_mug', name: 'Mug', priceAmount: 1000, priceCurrency: 'USD' };

/** Reads the Pay form of a hosted page: its action and the quantity inputs inside it. */
async function payForm(pageUrl: string) {
  const html = await (await fetch(pageUrl)).text();
  const form = /<form method="post" action="([^"]+)">((?:(?!<\/form>).)*)<button type="submit" id="pay">/s.exec(html);
  if (!form?.[1]) throw new Error(`no Pay form on ${pageUrl}`);
  const inputs = [...(form[2] ?? '').matchAll(/<input type="number" id="([^"]+)" name="([^"]+)" value="(\d+)" min="(\d+)" max="(\d+)"/g)].map(
    ([, id, name, value, min, max]) => ({ id, name, value: Number(value), min: Number(min), max: Number(max) }),
  );
  return { action: new URL(form[1], pageUrl), inputs };
}

const submit = (action: URL, fields: Record<string, string>) =>
  fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe('hosted page: adjustable quantities (docs/loops-contract.md §3.2 adjustable_quantity)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
    await h.seedProduct(MUG);
  });

  const create = async (lineItems: unknown[]) => (await h.api('POST', '/api/v3/checkout/sessions', { line_items: lineItems })).body;
  const adjustableTshirt = { price: 'price_tshirt', quantity: 2, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } };

  it('shows a bounded input for adjustable items only, and Pay charges the chosen quantity', async () => {
    const session = await create([adjustableTshirt, { price: 'price_mug', quantity: 1 }]);
    expect(session.amount_total).toBe(2 * 2999 + 1000);
    const { action, inputs } = await payForm(session.url);
    expect(inputs).toEqual([{ id: 'quantity-0', name: 'quantity_0', value: 2, min: 1, max: 5 }]);

    // A field for the fixed item is ignored: only adjustable items change.
    expect((await submit(action, { quantity_0: '4', quantity_1: '9' })).status).toBe(200);
    const after = (await h.admin('GET', `/_emulator/sessions/${session.id}`)).body;
    expect(after.status).toBe('completed');
    expect(after.lineItems.map((item: { quantity: number }) => item.quantity)).toEqual([4, 1]);
    expect(after.v3.amount_total).toBe(4 * 2999 + 1000);
    expect(after.v2.amount).toBe(129.96);
    expect(after.charge.amount).toBe(4 * 2999 + 1000);
  });

  it('refuses a quantity outside the bounds (or not a whole number) and leaves the session open, nothing charged', async () => {
    const session = await create([adjustableTshirt]);
    const { action } = await payForm(session.url);
    for (const bad of ['6', '0', '2.5', 'two', '-1']) {
      const response = await submit(action, { quantity_0: bad });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('must be a whole number from 1 to 5');
    }
    const after = (await h.admin('GET', `/_emulator/sessions/${session.id}`)).body;
    expect(after.status).toBe('open');
    expect(after.v3.amount_total).toBe(2 * 2999);
    expect(after.charge).toBeNull();
  });

  it('defaults the bounds as Stripe does: 1 (the only item) to 99; without a field the quantity stays', async () => {
    const session = await create([{ price: 'price_tshirt', quantity: 3, adjustable_quantity: { enabled: true } }]);
    const { action, inputs } = await payForm(session.url);
    expect(inputs).toEqual([{ id: 'quantity-0', name: 'quantity_0', value: 3, min: 1, max: 99 }]);
    expect((await submit(action, {})).status).toBe(200);
    expect((await h.admin('GET', `/_emulator/sessions/${session.id}`)).body.v3.amount_total).toBe(3 * 2999);
  });

  it('a session without adjustable items keeps its plain Pay button', async () => {
    const session = await create([{ price: 'price_tshirt', quantity: 1, adjustable_quantity: { enabled: false } }]);
    const html = await (await fetch(session.url)).text();
    expect(html).toMatch(/<form method="post" action="[^"]+">(?:(?!<\/form>)[\s\S])*<button type="submit" id="pay">Pay<\/button><\/form>/);
    expect(html).not.toContain('type="number"');
  });
});
