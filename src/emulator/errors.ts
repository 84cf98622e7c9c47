/**
 * The one error type of the emulator. Rendered as `{"error":{"message","code"}}` (docs/loops-contract.md §1,
 * [chosen] shape) by `error-middleware.ts`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorBody = (message: string, code: string) => ({ error: { message, code } });

export const badRequest = (message: string, code = 'validation_error') => new ApiError(400, code, message);

// §1 names the three 404 messages exactly, §8.2 the fourth.
export const sessionNotFound = () => new ApiError(404, 'session_not_found', 'Checkout Session Not Found');
export const productNotFound = () => new ApiError(404, 'product_not_found', 'Product Not Found');
export const paymentLinkNotFound = () => new ApiError(404, 'payment_link_not_found', 'Payment Link Not Found');
export const subscriptionNotFound = () => new ApiError(404, 'subscription_not_found', 'Subscription Not Found');
