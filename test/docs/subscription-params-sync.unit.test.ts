import { updateSubscriptionSchema } from '../../src/stripe/params/subscription-params';
import { UPDATE_SUBSCRIPTION_PARAMS } from '../../src/stripe/params/subscription-update-compat';

describe('subscription update parameters', () => {
  it('the compatibility table (docs/compatibility.md, generated) names exactly the parameters the update schema accepts', () => {
    expect(Object.keys(updateSubscriptionSchema.shape).sort()).toEqual(Object.keys(UPDATE_SUBSCRIPTION_PARAMS).sort());
  });
});
