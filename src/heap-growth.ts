import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full GC kept, in percent.
 *
 * The gateway keeps about 30 MiB alive (mostly the source and bytecode of the modules it loads);
 * under load, objects that outlive a request's Redis and Loops round trips are promoted and die
 * soon after. V8's default on a machine with more than 2 GiB lets the old generation grow to up to
 * 4× the live size before the next full GC, so 50 connections of creates took the process from
 * ~120 to ~235 MiB resident (issue 13's target is 150) while the live heap stayed ~30 MiB. At 1.5×
 * (plus V8's minimum step) the old generation stays near 50 MiB: a full GC (10–50 ms for a 30 MiB
 * heap) then runs about once a second under that load instead of every few seconds. The price is
 * CPU. Webhooks bench on a quiet machine, one run each: V8's default 0.88 ms gateway CPU per event,
 * peak 248 MiB; 100 % 0.96 ms, 176 MiB; 50 % (this) 1.08 ms, 162 MiB. A larger percent trades
 * CPU back for RSS.
 *
 * Set at run time rather than as a `node` option so that every start command (`node dist/main.js`
 * in the image, `npm start`, the bench) gets it; V8 reads this flag at each full GC. Imported first
 * by main.ts so start-up runs under it too. The young generation's size can only be set when node
 * starts: node-flags.ts.
 */
export const HEAP_GROWING_PERCENT = 50;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
