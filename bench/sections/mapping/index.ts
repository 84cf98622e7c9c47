import { benchMapping } from '../../mapping';
import type { BenchContext, Section, SectionResult } from '../section';

/** Issue 5's targets for 10,000 prices on this machine. */
const LIMITS = { firstRunSeconds: 60, noopRunSeconds: 10 } as const;

/**
 * The batch mapping tool: N Stripe prices read through stripe-node from a Stripe-compatible
 * catalog server, mapped against the Loops emulator with the default concurrency, then the same
 * catalog again (a no-op run: everything kept, nothing created).
 */
export const mappingSection: Section = {
  id: 'mapping',
  title: 'Mapping tool: Stripe catalog → Loops products',
  async run(context: BenchContext): Promise<SectionResult> {
    const prices = context.settings.mappingPrices;
    console.log(`  mapping ${prices.toLocaleString('en-US')} prices, then again (no-op)`);
    const result = await benchMapping({ prices });
    return {
      id: 'mapping',
      title: mappingSection.title,
      table: [
        ['', 'value'],
        ['prices', result.prices.toLocaleString('en-US')],
        ['concurrency (the tool’s default)', String(result.concurrency)],
        [
          'first run: seconds / prices per second',
          `${result.firstRunSeconds.toFixed(1)} / ${Math.round(result.pricesPerSecond).toLocaleString('en-US')}`,
        ],
        ['second (no-op) run: seconds', result.noopRunSeconds.toFixed(2)],
      ],
      targets: [
        { name: 'first run', value: result.firstRunSeconds, comparison: '<=', limit: LIMITS.firstRunSeconds, unit: 's' },
        { name: 'no-op run', value: result.noopRunSeconds, comparison: '<=', limit: LIMITS.noopRunSeconds, unit: 's' },
      ],
      notes: ['The emulator runs in the bench process; mappings go to an in-memory store, the file is written after every batch as in real runs.'],
      data: { ...result },
    };
  },
};
