/**
 * The Loops emulator (docs/loops-contract.md §6): a stand-alone fake of Loops for local development and
 * tests. It imports nothing from the gateway.
 */
export { startEmulator } from './server';
export type { EmulatorOptions, EmulatorWebhookTarget, RunningEmulator } from './options';
