/**
 * The bench harness, for every section: child processes that are always stopped (also on Ctrl-C
 * and crashes), the gateway built once and run as production runs it, readiness polling, RSS
 * sampling and the emulator's admin API.
 */
export { cleanupAll, onCleanup, spawnChild, type ManagedChild } from './harness/children';
export { buildGateway } from './harness/build';
export { readCpuSeconds } from './harness/cpu';
export { resetEmulator, sessionsCreated, type SeedProduct } from './harness/emulator-admin';
export { leanSessionsCreated, resetLeanLoops } from './harness/lean-loops-admin';
export { BUILD_DIR, REPO_ROOT, REPORTS_DIR } from './harness/paths';
export {
  freePort,
  startEmulatorProcess,
  startGatewayProcess,
  startLeanLoopsProcess,
  startMinimalStackProcess,
  startProxyProcess,
  startRedis,
  type BenchServer,
  type GatewaySettings,
  type LeanLoopsSettings,
  type ProxySettings,
} from './harness/processes';
export { deletePrefix } from './harness/redis-prefix';
export { readRssMiB, sampleRss, type RssSampler } from './harness/rss';
export { waitForHttp } from './harness/wait-ready';
