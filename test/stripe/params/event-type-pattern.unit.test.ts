import fc from 'fast-check';
import { eventTypeMatcher, eventTypePatternProblem } from '../../../src/stripe/params/event-type-pattern';

/**
 * The `GET /v1/events?type=` wildcard (docs/stripe-checkout-contract.md §6.1): `*` is one or more whole parts of
 * a dot-separated type. The reference below states that meaning directly, as a walk over the
 * parts that tries every way a `*` can take them up; it is exponential, so it only ever sees the
 * short patterns generated here.
 */
function reference(pattern: string[], type: string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return type.length === 0;
  if (head !== '*') return type[0] === head && reference(rest, type.slice(1));
  for (let taken = 1; taken <= type.length; taken++) if (reference(rest, type.slice(taken))) return true;
  return false;
}

const names = ['checkout', 'session', 'completed', 'expired', 'a', 'b'];
const part = fc.constantFrom(...names);
const typeArb = fc.array(part, { minLength: 1, maxLength: 6 });
const patternArb = fc.array(fc.oneof(part, fc.constant('*')), { minLength: 1, maxLength: 5 });

describe('event type patterns', () => {
  it.each([
    ['checkout.session.completed', 'checkout.session.completed', true],
    ['checkout.session.completed', 'checkout.session.expired', false],
    ['checkout.session.*', 'checkout.session.completed', true],
    ['checkout.session.*', 'checkout.session.async_payment_succeeded', true],
    ['checkout.session.*', 'checkout.session', false],
    ['checkout.*', 'checkout.session.completed', true],
    ['*', 'checkout.session.completed', true],
    ['*.completed', 'checkout.session.completed', true],
    ['*.completed', 'completed', false],
    ['checkout.*.completed', 'checkout.session.completed', true],
    ['checkout.*.completed', 'checkout.completed', false],
    ['charge.*', 'checkout.session.completed', false],
    ['*.*', 'checkout', false],
    ['*.*', 'checkout.session', true],
    // Regular-expression metacharacters are plain text: nothing is a regular expression.
    ['checkout.session.(completed|expired)', 'checkout.session.completed', false],
    ['.+', 'checkout.session.completed', false],
    ['checkout\\.session\\.completed', 'checkout.session.completed', false],
    ['^checkout.session.completed$', 'checkout.session.completed', false],
    ['[a-z]', 'a', false],
    ['[a-z]', '[a-z]', true],
  ])('%s against %s: %s', (pattern, type, expected) => {
    expect(eventTypePatternProblem(pattern)).toBeUndefined();
    expect(eventTypeMatcher(pattern)(type)).toBe(expected);
  });

  it.each(['checkout.sess*', '***********************x', 'checkout.**', '*a', 'a*b.c', '**'])('refuses %s: a `*` inside a part', (pattern) => {
    expect(eventTypePatternProblem(pattern)).toMatch(/whole parts of an event type/);
  });

  it('matches exactly the types the meaning of `*` describes', () => {
    fc.assert(
      fc.property(patternArb, typeArb, (pattern, type) => {
        expect(eventTypeMatcher(pattern.join('.'))(type.join('.'))).toBe(reference(pattern, type));
      }),
      { numRuns: 2000 },
    );
  });

  it('every way of writing each `*` out as whole parts is matched', () => {
    const expansion = fc
      .tuple(patternArb, fc.infiniteStream(fc.array(part, { minLength: 1, maxLength: 3 })))
      .map(([pattern, fills]) => ({ pattern, type: pattern.flatMap((p) => (p === '*' ? fills.next().value : [p])) }));
    fc.assert(
      fc.property(expansion, ({ pattern, type }) => {
        expect(eventTypeMatcher(pattern.join('.'))(type.join('.'))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('long patterns against long types take P × T steps, not a backtracking search', () => {
    // As a regular expression (`^.*\..*\.…x$`) this pair backtracks for longer than any test runs.
    const pattern = `${'*.'.repeat(120)}x`;
    expect(eventTypePatternProblem(pattern)).toBeUndefined();
    const type = Array.from({ length: 200 }, () => 'a').join('.');
    expect(eventTypeMatcher(pattern)(type)).toBe(false);
    expect(eventTypeMatcher(pattern)(`${type}.x`)).toBe(true);
  });
});
