import { JPY_PRODUCT, KWD_PRODUCT, startHarness, USD_PRODUCT, type Harness } from './support/harness';

/** The form around a button (its fields may precede the button): `[whole, action, fields]`. */
const formOf = (buttonId: string, label = '[^<]*') =>
  new RegExp(`<form method="post" action="([^"]+)">((?:(?!</form>)[\\s\\S])*)<button type="submit" id="${buttonId}">${label}</button></form>`);

/** Follows the page as a browser would: read the form action of a button, post the form. */
async function press(pageUrl: string, buttonId: 'pay' | 'cancel' | 'fail', fields: Record<string, string> = {}): Promise<Response> {
  const html = await (await fetch(pageUrl)).text();
  const form = formOf(buttonId).exec(html);
  if (!form?.[1]) throw new Error(`no ${buttonId} button on ${pageUrl}`);
  return fetch(new URL(form[1], pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('hosted checkout page (docs/loops-contract.md §4, §6)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await Promise.all([USD_PRODUCT, JPY_PRODUCT, KWD_PRODUCT].map((p) => h.seedProduct(p)));
  });

  const session = async (body: Record<string, unknown>) => (await h.api('POST', '/api/v3/checkout/sessions', body)).body;
  const v2Status = async (id: string) => (await h.api('GET', `/api/v2/checkout/sessions/${id}`)).body.status;

  it('shows product, amount in major units, currency and the three buttons', async () => {
    const cases: Array<[string, number, string]> = [
      [USD_PRODUCT.id, 2, '59.98'],
      [JPY_PRODUCT.id, 1, '500'],
      [KWD_PRODUCT.id, 1, '3.250'],
    ];
    for (const [productId, quantity, amount] of cases) {
      const s = await session({ productId, quantity });
      const response = await fetch(s.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toContain(`<span id="amount">${amount}</span>`);
      expect(html).toContain(`<span id="currency">${s.currency.toUpperCase()}</span>`);
      expect(html).toContain(`>${s.productName}</h1>`);
      for (const [id, label] of [['pay', 'Pay'], ['cancel', 'Cancel'], ['fail', 'Fail']]) expect(html).toMatch(formOf(id!, label));
      // Only Pay carries fields (the customer's email and name, §8 customer_details).
      expect(formOf('cancel').exec(html)?.[2]).toBe('');
      expect(formOf('fail').exec(html)?.[2]).toBe('');
      expect(html).not.toMatch(/<script|<link|src="http/);
    }
  });

  it('escapes product names', async () => {
    await h.seedProduct({ id: 'prod_x', name: '<b>"Bold" & co</b>', priceAmount: 100, priceCurrency: 'USD' });
    const html = await (await fetch((await session({ productId: 'prod_x' })).url)).text();
    expect(html).toContain('&#60;b&#62;&#34;Bold&#34; &#38; co&#60;/b&#62;');
    expect(html).not.toContain('<b>"Bold"');
  });

  it('Pay completes the session and redirects to the success URL (§4)', async () => {
    const s = await session({ productId: USD_PRODUCT.id, success_url: 'https://shop.example/done/{CHECKOUT_SESSION_ID}?from=loops#receipt' });
    const response = await press(s.url, 'pay');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`https://shop.example/done/${s.id}?from=loops&session_id=${s.id}&status=completed#receipt`);
    expect(await v2Status(s.id)).toBe('COMPLETED');
  });

  it('Pay takes the email and name the customer typed: the session carries them as customer_details (§8)', async () => {
    const s = await session({ productId: USD_PRODUCT.id, customer_email: 'prefilled@example.com' });
    const html = await (await fetch(s.url)).text();
    const fields = formOf('pay').exec(html)?.[2] ?? '';
    expect(fields).toContain('<input type="email" id="email" name="email" maxlength="254" autocomplete="email" value="prefilled@example.com">');
    expect(fields).toContain('<input type="text" id="name" name="name" maxlength="200" autocomplete="name">');
    expect(s.customer_details).toBeNull();
    expect((await press(s.url, 'pay', { email: ' typed@example.com ', name: 'Ada Lovelace' })).status).toBe(200);
    const paid = (await h.api('GET', `/api/v3/checkout/sessions/${s.id}`)).body;
    expect(paid).toMatchObject({ customer_details: { email: 'typed@example.com', name: 'Ada Lovelace' }, customer_email: 'prefilled@example.com' });
    expect((await h.admin('GET', `/_emulator/sessions/${s.id}`)).body.charge.customer_email).toBe('typed@example.com');
  });

  it('blank fields keep the prefilled email and no name; a bad email is a 400 page and changes nothing', async () => {
    const s = await session({ productId: USD_PRODUCT.id, customer_email: 'prefilled@example.com' });
    const bad = await press(s.url, 'pay', { email: 'not an email', name: 'X' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<h1 id="result">Invalid input</h1>');
    expect(await v2Status(s.id)).toBe('PENDING');
    expect((await press(s.url, 'pay', { email: '  ', name: '' })).status).toBe(200);
    expect((await h.api('GET', `/api/v3/checkout/sessions/${s.id}`)).body.customer_details).toEqual({ email: 'prefilled@example.com', name: null });
  });

  it('the buttons work when the page was opened with a trailing slash', async () => {
    const s = await session({ productId: USD_PRODUCT.id, success_url: 'https://shop.example/done' });
    const response = await press(`${s.url}/`, 'pay');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`https://shop.example/done?session_id=${s.id}&status=completed`);
    expect(await v2Status(s.id)).toBe('COMPLETED');
  });

  it('Cancel redirects to the cancel URL and leaves the session open (§4)', async () => {
    const s = await session({ productId: USD_PRODUCT.id, cancel_url: 'https://shop.example/cart' });
    const response = await press(s.url, 'cancel');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`https://shop.example/cart?session_id=${s.id}&status=canceled`);
    expect(await v2Status(s.id)).toBe('PENDING');
    expect((await fetch(s.url)).status).toBe(200);
  });

  it('Fail marks the session failed and redirects to the cancel URL with status=failed', async () => {
    const s = await session({ productId: USD_PRODUCT.id, cancel_url: 'https://shop.example/cart?x=1' });
    const response = await press(s.url, 'fail');
    expect(response.headers.get('location')).toBe(`https://shop.example/cart?x=1&session_id=${s.id}&status=failed`);
    expect(await v2Status(s.id)).toBe('FAILED');
  });

  it('without URLs, shows a plain result page', async () => {
    const s = await session({ productId: USD_PRODUCT.id });
    const response = await press(s.url, 'pay');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<h1 id="result">Payment succeeded</h1>');
  });

  it('a session that is no longer open cannot be paid; posting changes nothing (409)', async () => {
    const s = await session({ productId: USD_PRODUCT.id });
    await h.admin('POST', `/_emulator/sessions/${s.id}/fail`);
    const page = await fetch(s.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('no longer payable');
    expect(html).not.toContain('id="pay"');
    for (const action of ['pay', 'cancel', 'fail']) {
      const response = await fetch(`${s.url}/${action}`, { method: 'POST', redirect: 'manual' });
      expect(response.status).toBe(409);
    }
    expect(await v2Status(s.id)).toBe('FAILED');
  });

  it('an unknown session gets a 404 page', async () => {
    const response = await fetch(`${h.url}/checkout/cs_missing`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Checkout Session Not Found');
    expect((await fetch(`${h.url}/checkout/cs_missing/pay`, { method: 'POST' })).status).toBe(404);
  });

  it('uses publicUrl for the session url', async () => {
    const other = await startHarness({ publicUrl: 'https://checkout.example.test/' });
    try {
      await other.seedProduct(USD_PRODUCT);
      const s = (await other.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id })).body;
      expect(s.url).toBe(`https://checkout.example.test/checkout/${s.id}`);
    } finally {
      await other.close();
    }
  });
});
