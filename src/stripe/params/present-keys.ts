import type { z } from 'zod';
import type { ParamBag } from './param-bag';

/** Distinct key sets kept per schema; past this, requests parse with the whole schema (same result). */
const MAX_KEY_SETS = 64;

/**
 * zod parses a strict object one shape key at a time, sent or not: the create schema names about
 * 70 parameters and a typical request sends 3 to 6, so most of its parse (and of its garbage) went
 * on absent ones. When every key is optional (absent, it adds no issue and no output key), the
 * schema picked down to the keys a request sends parses that request to the same output with the
 * same issues in the same order: the picked schema keeps the shape's order and stays strict, so an
 * unknown key is still reported. Picked schemas are cached per key set.
 */
export function presentKeysSchema<S extends z.ZodObject>(schema: S): (bag: ParamBag) => S {
  const keys = Object.keys(schema.shape);
  // zod types a pick mask by literal key names; these names are only known at run time.
  const pick = (names: string[]) => schema.pick(Object.fromEntries(names.map((name) => [name, true])) as Record<never, never>);
  for (const key of keys) {
    const alone = pick([key]).safeParse({});
    if (!alone.success || Object.keys(alone.data).length > 0) {
      throw new Error(`presentKeysSchema: '${key}' must be optional (absent, no issue and no output)`);
    }
  }
  const picked = new Map<string, S>();
  return (bag) => {
    const present = keys.filter((key) => Object.hasOwn(bag, key));
    const id = present.join(',');
    let narrowed = picked.get(id);
    if (!narrowed) {
      if (picked.size >= MAX_KEY_SETS) return schema;
      // Same output type as the whole schema: the keys left out are absent from the input anyway.
      narrowed = pick(present) as unknown as S;
      picked.set(id, narrowed);
    }
    return narrowed;
  };
}
