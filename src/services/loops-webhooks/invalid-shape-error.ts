import { GatewayError } from '../../errors';

/**
 * A known Loops event type whose object the gateway cannot read: refused with a 400 like any bad
 * webhook, but its own class so the route counts it apart (metric outcome `invalid_shape`), since
 * it means the Loops contract drifted rather than that someone sent garbage.
 */
export class InvalidLoopsEventShapeError extends GatewayError {
  constructor(message: string) {
    super('parameter_invalid', message);
    this.name = 'InvalidLoopsEventShapeError';
  }
}
