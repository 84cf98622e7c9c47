/** The validated, frozen configuration every other module receives. */
export interface WebhookEndpointConfig {
  url: string;
  enabledEvents: string[];
}

export interface TenantConfig {
  id: string;
  /** Secret keys Stripe clients present. `sk_live_…` keys make objects `livemode: true`. */
  apiKeys: string[];
  loops: { apiBase: string; apiKey: string };
  /** Verifies incoming Loops webhooks; unset means Loops webhooks are refused for this tenant. */
  loopsWebhookSecret: string | undefined;
  /** `whsec_…` secrets used to sign outbound Stripe events; several during rotation. */
  webhookSecrets: string[];
  webhookEndpoints: WebhookEndpointConfig[];
  /**
   * Refuse the create parameters Loops' page cannot honour (collect a phone number, promotion
   * codes, …) instead of echoing them (stripe/params/create-session-compat.ts, `unhonoured`).
   */
  strictParams: boolean;
  /** Stripe's "upcoming renewal events" account setting: `invoice.upcoming` this many days before each renewal; 0: never. */
  upcomingInvoiceDays: number;
}

/** docs/loops-contract.md §8's three [chosen] groups (src/loops/contract-choices.ts), per deployment. */
export interface LoopsContractSwitches {
  subscriptions: boolean;
  customerPortal: boolean;
  trials: boolean;
}

export interface SandboxConfig {
  /** The in-process emulator's port and the Loops key it accepts. */
  emulatorPort: number;
  loopsApiKey: string;
  /** The emulator signs its webhooks to the gateway with this. */
  loopsWebhookSecret: string;
}

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  /** Deadlines for receiving a request (src/http/http-server.ts): headers, then body. */
  http: { headersTimeoutMs: number; bodyTimeoutMs: number };
  redis:
    | { kind: 'memory' }
    | { kind: 'single'; url: string; keyPrefix: string }
    | { kind: 'cluster'; nodes: { host: string; port: number }[]; keyPrefix: string };
  loops: { timeoutMs: number };
  /** The contract's open questions (docs/loops-contract.md §7), settable per deployment. */
  loopsContract: { checkoutForm: 'line_items' | 'product'; lineItemReference: 'price' | 'product' } & LoopsContractSwitches;
  loopsWebhook: { signatureHeader: string; toleranceSeconds: number };
  webhooks: { retryScheduleMs: number[]; timeoutMs: number; concurrency: number };
  expirySweepIntervalMs: number;
  /** Due sessions of one tenant the sweep settles at once. */
  expirySweepConcurrency: number;
  /** The subscription sweep (services/subscriptions/subscription-sweep.ts). */
  subscriptionSweepIntervalMs: number;
  rateLimit: { perSecond: number; burst: number };
  mappingsDir: string;
  tenants: TenantConfig[];
  /** Set when nothing was configured: the gateway runs the emulator in-process. */
  sandbox: SandboxConfig | undefined;
}
