import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { runMappingsCommand } from '../../src/cli/mappings-command';
import { emptyMappingFile, mappingFileSchema, type MappingFile } from '../../src/mappings/mapping-file';
import { useStack } from '../helpers/stack';

/**
 * One catalog (issue 11): what the API makes and changes and what `npm run map` imported live in
 * the same store; `mappings export` writes it all to the committed file, and neither start-up nor
 * `mappings load` silently undoes an API change or drops an API-made object (docs/mappings.md).
 */
describe('mappings export / load with a catalog changed through the API', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  const filePath = () => join(stack.mappingsDir, 'default.json');
  const readFile = (): MappingFile => mappingFileSchema.parse(JSON.parse(readFileSync(filePath(), 'utf8')));
  const writeFile = (file: MappingFile) => writeFileSync(filePath(), JSON.stringify(file));
  async function mappings(args: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    const code = await runMappingsCommand(args, { env: stack.env, out: (text) => (stdout += text), err: { write: () => true }, tty: false });
    return { code, stdout };
  }

  it('load keeps what the API made and changed, verify says it is not exported yet, export writes it, and then all agree', async () => {
    const product = await stripe.products.create({ name: 'Made by API' });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 4200, currency: 'usd', lookup_key: 'api_made' });
    await stripe.prices.update('price_mug', { nickname: 'Mug (API)' });

    const load = await mappings(['load']);
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/kept the live version of 1 changed through the API after the file was written: price_mug/);
    expect(load.stdout).toContain(`kept 2 created or changed through the API and not in the file`);
    expect((await stripe.prices.retrieve('price_mug')).nickname).toBe('Mug (API)');
    expect((await stripe.prices.retrieve(price.id)).lookup_key).toBe('api_made');

    const verify = await mappings(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(new RegExp(`${price.id}\\s+created through the API and not in the file yet \\(run \`mappings export\``));
    expect(verify.stdout).toMatch(/price_mug\s+changed through the API since the file was written/);

    const exported = await mappings(['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(
      /tenant default: wrote 6 price\(s\) and \d+ product\(s\) to .*default\.json \(prices: 1 added, 1 changed, 0 removed/,
    );
    const file = readFile();
    expect(file.prices[price.id]).toMatchObject({
      stripeProductId: product.id,
      unitAmount: 4200,
      lookupKey: 'api_made',
      apiRevision: expect.any(Number),
    });
    expect(file.prices.price_mug).toMatchObject({ nickname: 'Mug (API)' });
    expect(file.products[product.id]).toMatchObject({ name: 'Made by API' });
    expect(await mappings(['verify'])).toMatchObject({ code: 0, stdout: expect.stringContaining('All mappings OK.') });
    // The exported file loads as it is: nothing to keep, nothing to write.
    expect((await mappings(['load'])).stdout).toMatch(/^tenant default: already loaded: 6 price\(s\)/);
  });

  it('start-up and load: a file written before an API change does not undo it; a hand edit of an exported entry does apply', async () => {
    const before = readFile();
    await stripe.prices.update('price_tshirt', { metadata: { size: 'L' } });
    // A stale copy of the file (written before the change) is loaded at start-up.
    writeFile(before);
    await stack.container.loadMappings();
    expect((await stripe.prices.retrieve('price_tshirt')).metadata).toEqual({ size: 'L' });

    // Exported, then edited by hand: the file carries the revision it exported, so the edit wins.
    expect((await mappings(['export'])).code).toBe(0);
    const edited = readFile();
    const entry = edited.prices.price_tshirt;
    if (!entry) throw new Error('price_tshirt should be exported');
    edited.prices.price_tshirt = { ...entry, nickname: 'Edited by hand' };
    writeFile(edited);
    expect((await mappings(['load'])).code).toBe(0);
    expect(await stripe.prices.retrieve('price_tshirt')).toMatchObject({ nickname: 'Edited by hand', metadata: { size: 'L' } });
  });

  it('a product deleted through the API is not brought back by an older file', async () => {
    const doomed = await stripe.products.create({ name: 'Short-lived' });
    expect((await mappings(['export'])).code).toBe(0);
    await stripe.products.del(doomed.id);
    const load = await mappings(['load']);
    expect(load.stdout).toContain(`did not bring back 1 product(s) deleted through the API: ${doomed.id}`);
    await expect(stripe.products.retrieve(doomed.id)).rejects.toMatchObject({ statusCode: 404 });
    await stack.container.loadMappings();
    await expect(stripe.products.retrieve(doomed.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('load --force replaces the catalog with the file exactly and lists what it dropped', async () => {
    const unexported = await stripe.products.create({ name: 'Never exported' });
    const forced = await mappings(['load', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('(--force: the file replaces the catalog)');
    expect(forced.stdout).toMatch(new RegExp(`dropped 1 not in the file: ${unexported.id}`));
    await expect(stripe.products.retrieve(unexported.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('export does not overwrite a file with an empty catalog (Redis emptied) unless --force', async () => {
    const file = readFile();
    await stack.container.stores.mappings.replaceAll('default', emptyMappingFile());
    const refused = await mappings(['export']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Redis holds no catalog');
    expect(readFile()).toEqual(file);
    // Loading the committed file brings everything back, API-made prices included.
    expect((await mappings(['load'])).code).toBe(0);
    const apiMade = Object.entries(file.prices).find(([, entry]) => entry.lookupKey === 'api_made')?.[0] ?? '';
    expect((await stripe.prices.retrieve(apiMade)).unit_amount).toBe(4200);
  });

  it('usage: --force and --all apply to load and export only', async () => {
    await expect(mappings(['verify', '--force'])).rejects.toThrow(/--force applies to load and export only/);
    await expect(mappings(['show', 'price_mug', '--all'])).rejects.toThrow(/--all applies to load and export only/);
  });
});
