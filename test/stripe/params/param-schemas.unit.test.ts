import { z } from 'zod';
import { GatewayError } from '../../../src/errors';
import { parseCreateSessionParams } from '../../../src/stripe/params/create-session-params';
import { list } from '../../../src/stripe/params/param-schemas';
import { parseJson } from '../../../src/stripe/params/parse-json';
import { validateParams } from '../../../src/stripe/params/validate-params';

describe('list(): the item cap comes before any item is looked at', () => {
  it('refuses an over-long list without parsing one item', () => {
    let parsed = 0;
    const item = z.string().refine(() => {
      parsed += 1;
      return true;
    });
    const schema = z.object({ a: list(item, 3) }).strict();
    expect(() => validateParams(schema, { a: ['1', '2', '3', '4'] })).toThrow('Invalid a: at most 3 items');
    expect(() => validateParams(schema, { a: { 0: '1', 1: '2', 2: '3', 7: '4' } })).toThrow('Invalid a: at most 3 items');
    expect(parsed).toBe(0);
    expect(validateParams(schema, { a: { 5: 'x', 0: 'y' } })).toEqual({ a: ['y', 'x'] });
    expect(parsed).toBe(2);
  });

  it('4,000 empty line items: one error about the list, naming it, not 4,000 about the items', () => {
    const bag = parseJson(JSON.stringify({ line_items: Array.from({ length: 4000 }, () => ({})) }));
    let error: unknown;
    try {
      parseCreateSessionParams(bag, '2026-09-30.endive');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ errorName: 'parameter_invalid', param: 'line_items', message: 'Invalid line_items: at most 100 items' });
  });
});
