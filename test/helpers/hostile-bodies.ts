/**
 * Bodies that fill the request size limit, for the hostile-input suite and its bench section
 * (bench/sections/hostile-input): just under the 1 MB body limit (src/http/read-raw-body.ts
 * `BODY_LIMIT`), so every one is read and decoded rather than refused for its size.
 */
export const NEAR_LIMIT = 1_000_000;

/** `open` + as many units as fit in NEAR_LIMIT bytes (ASCII), separated by `separator`, + `close`. */
export function fillToLimit(open: string, unit: (i: number) => string, close: string, separator: string): string {
  const units: string[] = [];
  for (let i = 0, length = open.length + close.length; ; i++) {
    const next = unit(i);
    length += next.length + separator.length;
    if (length > NEAR_LIMIT) break;
    units.push(next);
  }
  return open + units.join(separator) + close;
}
