import { defaultPortalFeatures } from '../../src/stripe/objects/portal-configuration-object';
import { loopsPortalFeatures, portalFeatureGaps } from '../../src/translate/portal-features';

describe('portalFeatureGaps: a configuration against what Loops’ portal does (docs/loops-contract.md §8.2)', () => {
  it('Loops’ own features match, with either cancel mode', () => {
    expect(portalFeatureGaps(loopsPortalFeatures())).toEqual([]);
    const immediately = loopsPortalFeatures();
    immediately.subscription_cancel.mode = 'immediately';
    expect(portalFeatureGaps(immediately)).toEqual([]);
  });

  it('names every feature Loops’ portal lacks, and a cancel it would offer anyway', () => {
    const broad = loopsPortalFeatures();
    broad.subscription_update.enabled = true;
    broad.payment_method_update.enabled = true;
    broad.subscription_cancel.proration_behavior = 'create_prorations';
    broad.subscription_cancel.cancellation_reason.enabled = true;
    expect(portalFeatureGaps(broad)).toEqual([
      "`payment_method_update` is enabled (Loops' portal has none)",
      "`subscription_update` is enabled (Loops' portal has none)",
      '`subscription_cancel.proration_behavior` is `create_prorations` (Loops refunds nothing)',
      "`subscription_cancel.cancellation_reason` is enabled (Loops' portal asks for none)",
    ]);
    expect(portalFeatureGaps(defaultPortalFeatures())).toEqual(["`subscription_cancel` is disabled (Loops' portal always lets the customer cancel)"]);
  });
});
