import Stripe from 'stripe';
import { createLogger } from '../../src/observability/logger';
import { CREATE_SESSION_PARAMS } from '../../src/stripe/params/create-session-compat';
import { useStack } from '../helpers/stack';

/**
 * The create-parameter policy (docs/compatibility.md "Create parameters"): what real Checkout apps
 * send only to make Stripe's page collect or show something (docs/migrating.md "What real Checkout apps call") is accepted and
 * echoed in the default mode and refused in strict mode; what changes what the customer pays is
 * refused in both. Two tenants on one gateway: `lenient` and `strict` (`strictParams` in TENANTS_FILE).
 */
const LENIENT = 'sk_test_policy_lenient_key_000000001';
const STRICT = 'sk_test_policy_strict_key_0000000002';

type Params = Record<string, unknown>;

/** A value a real app sends for each parameter Loops' page cannot honour, and how Stripe echoes it. */
const UNHONOURED: Record<string, { send: Params; echo?: Params }> = {
  allow_promotion_codes: { send: { allow_promotion_codes: true }, echo: { allow_promotion_codes: true } },
  billing_address_collection: { send: { billing_address_collection: 'required' }, echo: { billing_address_collection: 'required' } },
  branding_settings: { send: { branding_settings: { display_name: 'Acme shop', border_style: 'rounded' } } },
  consent_collection: {
    send: { consent_collection: { promotions: 'auto', terms_of_service: 'required' } },
    echo: { consent_collection: { payment_method_reuse_agreement: null, promotions: 'auto', terms_of_service: 'required' } },
  },
  custom_fields: {
    send: { custom_fields: [{ key: 'engraving', label: { type: 'custom', custom: 'Engraving' }, type: 'text', optional: true }] },
    echo: {
      custom_fields: [
        {
          key: 'engraving',
          label: { custom: 'Engraving', type: 'custom' },
          optional: true,
          type: 'text',
          text: { default_value: null, maximum_length: null, minimum_length: null, value: null },
        },
      ],
    },
  },
  customer_update: { send: { customer: 'cus_policy_existing', customer_update: { address: 'auto', name: 'auto' } } },
  name_collection: { send: { name_collection: { individual: { enabled: true } } } },
  payment_method_collection: { send: { payment_method_collection: 'if_required' }, echo: { payment_method_collection: 'if_required' } },
  phone_number_collection: { send: { phone_number_collection: { enabled: true } }, echo: { phone_number_collection: { enabled: true } } },
  saved_payment_method_options: {
    send: { saved_payment_method_options: { payment_method_save: 'enabled' } },
    echo: { saved_payment_method_options: { allow_redisplay_filters: null, payment_method_remove: null, payment_method_save: 'enabled' } },
  },
  tax_id_collection: {
    send: { tax_id_collection: { enabled: true, required: 'if_supported' } },
    echo: { tax_id_collection: { enabled: true, required: 'if_supported' } },
  },
  wallet_options: { send: { wallet_options: { link: { display: 'never' } } }, echo: { wallet_options: { link: { display: 'never' } } } },
};

/** Values of unhonoured parameters that ask for nothing Loops lacks: fine in strict mode too. */
const ASK_FOR_NOTHING: Params[] = [
  { allow_promotion_codes: false },
  { billing_address_collection: 'auto' },
  { tax_id_collection: { enabled: false } },
  { phone_number_collection: { enabled: false } },
  { payment_method_collection: 'always' },
  { custom_fields: '' },
];

/** Parameters that change what the customer pays or receives: refused whatever the mode. */
const REFUSED: Record<string, Params> = {
  discounts: { discounts: [{ coupon: 'SAVE10' }] },
  automatic_tax: { automatic_tax: { enabled: true } },
  shipping_options: { shipping_options: [{ shipping_rate: 'shr_1' }] },
  optional_items: { optional_items: [{ price: 'price_mug', quantity: 1 }] },
  shipping_address_collection: { shipping_address_collection: { allowed_countries: ['US'] } },
  invoice_creation: { invoice_creation: { enabled: true } },
};

describe('create-parameter policy: accepted-not-honoured vs refused, lenient vs strict', () => {
  const logs: { level: number; msg?: string; tenant?: string; param?: string }[] = [];
  const base = { mode: 'payment' as const, line_items: [{ price: 'price_tshirt', quantity: 1 }], success_url: 'https://shop.example/ok' };

  const stack = useStack({
    tenants: [
      { id: 'lenient', apiKeys: [LENIENT] },
      { id: 'strict', apiKeys: [STRICT], strictParams: true },
    ],
    logger: createLogger('warn', { write: (line: string) => void logs.push(JSON.parse(line)) }),
  });
  beforeAll(async () => {
    // `customer` must name a customer of the tenant's directory; strict mode refuses customer_update before looking.
    const customer = await stack.stripe({ key: LENIENT, maxNetworkRetries: 0 }).customers.create({ email: 'policy@example.com' });
    Object.assign(UNHONOURED.customer_update?.send ?? {}, { customer: customer.id });
  });

  const lenient = () => stack.stripe({ key: LENIENT, maxNetworkRetries: 0 });
  const strict = () => stack.stripe({ key: STRICT, maxNetworkRetries: 0 });
  const create = (stripe: Stripe, params: Params) => stripe.checkout.sessions.create({ ...base, ...params } as Stripe.Checkout.SessionCreateParams);
  const sessionsCreated = async (): Promise<number> => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;

  it('covers every parameter the compatibility table marks as accepted-not-honoured', () => {
    const table = Object.entries(CREATE_SESSION_PARAMS)
      .filter(([, entry]) => entry.treatment === 'unhonoured')
      .map(([name]) => name);
    expect(Object.keys(UNHONOURED).sort()).toEqual(table.sort());
    for (const name of Object.keys(REFUSED)) expect(CREATE_SESSION_PARAMS[name]?.treatment).toBe('rejected');
  });

  it.each(Object.entries(UNHONOURED))('lenient: %s is accepted, stored and echoed; the session is made in Loops', async (_name, { send, echo }) => {
    const before = await sessionsCreated();
    const session = await create(lenient(), send);
    expect(session.url).toEqual(expect.any(String));
    expect(await sessionsCreated()).toBe(before + 1);
    if (echo) {
      expect(session).toMatchObject(echo);
      expect(await lenient().checkout.sessions.retrieve(session.id)).toMatchObject(echo);
    }
  });

  it.each(Object.entries(UNHONOURED))('strict: %s is refused with a 400 naming it, and nothing is made in Loops', async (name, { send }) => {
    const before = await sessionsCreated();
    const error = (await create(strict(), send).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: name, message: expect.stringContaining('strict mode') });
    expect(await sessionsCreated()).toBe(before);
  });

  it('values that ask for nothing Loops lacks pass in strict mode too, and are not warned about', async () => {
    for (const params of ASK_FOR_NOTHING) await expect(create(strict(), params)).resolves.toMatchObject({ status: 'open' });
    expect(logs.filter((line) => line.tenant === 'strict' && line.param)).toEqual([]);
  });

  it.each(Object.entries(REFUSED))('%s is refused in both modes, naming it', async (name, params) => {
    for (const stripe of [lenient(), strict()]) {
      await expect(create(stripe, params)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param: name });
    }
  });

  it('the first use of an unhonoured parameter per tenant logs one warning naming it, and later uses none', async () => {
    const warnings = (param: string) => logs.filter((line) => line.level === 40 && line.tenant === 'lenient' && line.param === param);
    await create(lenient(), { allow_promotion_codes: true });
    await create(lenient(), { allow_promotion_codes: true, phone_number_collection: { enabled: true } });
    expect(warnings('allow_promotion_codes')).toHaveLength(1);
    expect(warnings('phone_number_collection')).toHaveLength(1);
    expect(warnings('allow_promotion_codes')[0]?.msg).toContain('allow_promotion_codes');
  });

  it('customer rules as in Stripe: customer with customer_email, or customer_update without customer, are refused', async () => {
    await expect(create(lenient(), { customer: 'cus_policy_existing', customer_email: 'a@example.com' })).rejects.toMatchObject({
      code: 'parameters_exclusive',
      param: 'customer_email',
    });
    await expect(create(lenient(), { customer_update: { address: 'auto' } })).rejects.toMatchObject({ param: 'customer_update' });
  });

  it('invalid values of unhonoured parameters are refused as Stripe refuses them', async () => {
    await expect(create(lenient(), { billing_address_collection: 'always' })).rejects.toMatchObject({ param: 'billing_address_collection' });
    await expect(create(lenient(), { tax_id_collection: { enabled: 'maybe' } })).rejects.toMatchObject({ param: 'tax_id_collection[enabled]' });
    const four = Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, label: { type: 'custom', custom: `K${i}` }, type: 'text' }));
    await expect(create(lenient(), { custom_fields: four })).rejects.toMatchObject({ param: 'custom_fields' });
  });
});
