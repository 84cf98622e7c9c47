import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_BLOCKS, readBlock } from '../../scripts/render-docs';
import { createSessionSchema } from '../../src/stripe/params/create-session-params';
import { CATALOG_PARAMS } from '../../src/stripe/params/catalog-compat';
import { CREATE_SESSION_PARAMS } from '../../src/stripe/params/create-session-compat';
import { CUSTOMER_PARAMS } from '../../src/stripe/params/customer-compat';
import { createCustomerSchema, updateCustomerSchema } from '../../src/stripe/params/customer-params';
import { routeName, STRIPE_ROUTES } from '../security/routes';
import { envSchema } from '../../src/config/env-schema';

describe('docs generated from code', () => {
  it.each(Object.entries(GENERATED_BLOCKS))('%s is up to date (run `npm run docs`)', (name, block) => {
    const document = readFileSync(join(__dirname, '..', '..', block.file), 'utf8');
    expect(readBlock(document, name)).toBe(block.render());
  });

  it('the compatibility table names exactly the parameters the create schema accepts', () => {
    expect(Object.keys(createSessionSchema.shape).sort()).toEqual(Object.keys(CREATE_SESSION_PARAMS).sort());
  });

  it('the customer parameter table names exactly the parameters customer create and update accept', () => {
    const accepted = new Set([...Object.keys(createCustomerSchema.shape), ...Object.keys(updateCustomerSchema.shape)]);
    expect([...accepted].sort()).toEqual(Object.keys(CUSTOMER_PARAMS).sort());
  });

  it.each(Object.entries(CATALOG_PARAMS))(
    'the catalog table of %s names exactly the parameters its schema accepts',
    (_endpoint, { schema, params }) => {
      expect(Object.keys(params).sort()).toEqual(Object.keys(schema.shape).sort());
    },
  );

  it('the catalog tables cover every product and price route the gateway serves', () => {
    const served = STRIPE_ROUTES.map(routeName).filter((name) => / \/v1\/(prices|products)/.test(name));
    expect(Object.keys(CATALOG_PARAMS).sort()).toEqual(served.sort());
  });
});

describe('README configuration table', () => {
  it('documents every environment variable the gateway reads', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
