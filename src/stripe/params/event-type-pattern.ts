/**
 * `GET /v1/events?type=` (docs/stripe-checkout-contract.md §6.1): an event type, or a group of them with `*` as a
 * wildcard, such as `checkout.session.*`. Event types are dot-separated parts, and so is a pattern:
 * each part is a name compared as it is, or `*` alone, which stands for one or more whole parts
 * (`checkout.*` matches `checkout.session.completed`). A `*` inside a part (`checkout.sess*`) is
 * refused: it is not a group of types, and it is what made the old pattern a regular expression.
 *
 * Matching never builds a regular expression from the client's text: each `*` became `.*`, and
 * `type=***…x` backtracked exponentially, pinning the CPU of the whole process for good. Here a
 * pattern of P parts is matched against a type of T parts in P × T steps at most.
 */
export const EVENT_TYPE_WILDCARD = '*';

/** Why `pattern` is not an event type pattern, or undefined when it is one. */
export function eventTypePatternProblem(pattern: string): string | undefined {
  const misplaced = pattern.split('.').find((part) => part !== EVENT_TYPE_WILDCARD && part.includes(EVENT_TYPE_WILDCARD));
  if (misplaced === undefined) return undefined;
  return `\`*\` stands for whole parts of an event type (as in \`checkout.session.*\`), not for part of one ('${misplaced.slice(0, 50)}').`;
}

/** A predicate for the types `pattern` names; `pattern` must have passed `eventTypePatternProblem`. */
export function eventTypeMatcher(pattern: string): (type: string) => boolean {
  const parts = pattern.split('.');
  if (!parts.includes(EVENT_TYPE_WILDCARD)) return (type) => type === pattern;
  return (type) => matchParts(parts, type.split('.'));
}

/**
 * Whether the pattern's parts can take up exactly the type's parts, left to right: `reached[j]` is
 * true when the pattern parts seen so far can take up exactly the first j type parts.
 */
function matchParts(pattern: readonly string[], type: readonly string[]): boolean {
  let reached: boolean[] = type.map(() => false);
  reached.push(false);
  reached[0] = true;
  for (const part of pattern) {
    const next = reached.map(() => false);
    if (part === EVENT_TYPE_WILDCARD) {
      // One or more parts: j is reachable when any i < j was.
      let earlier = false;
      for (let j = 1; j <= type.length; j++) {
        earlier ||= reached[j - 1] === true;
        next[j] = earlier;
      }
    } else {
      for (let j = 1; j <= type.length; j++) next[j] = reached[j - 1] === true && type[j - 1] === part;
    }
    reached = next;
  }
  return reached[type.length] === true;
}
