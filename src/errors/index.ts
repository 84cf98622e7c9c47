export { ERROR_CATALOGUE, type ErrorName, type StripeErrorType } from './catalogue';
export { GatewayError, isGatewayError } from './gateway-error';
export { renderError, type RenderedError } from './render-error';
