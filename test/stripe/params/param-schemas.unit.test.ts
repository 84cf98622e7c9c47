import { boolean } from '../../../src/stripe/params/param-schemas';

describe('boolean parameters', () => {
  it('read true/false in any case, as Stripe v1 does (python3-stripe 5 sends `True`)', () => {
    const schema = boolean();
    for (const [sent, read] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
    ] as const) {
      expect(schema.parse(sent)).toBe(read);
    }
    for (const junk of ['1', 'yes', 'truee', '', 'f']) expect(schema.safeParse(junk).success).toBe(false);
  });
});
