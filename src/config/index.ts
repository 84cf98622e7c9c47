export type { Config, TenantConfig, WebhookEndpointConfig, SandboxConfig, LoopsContractSwitches } from './config';
export { loadConfig, ConfigError, DEFAULT_TENANT, DEFAULT_LOOPS_API_BASE } from './load-config';
