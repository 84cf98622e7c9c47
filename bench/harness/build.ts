import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild } from './children';
import { BUILD_DIR, REPO_ROOT } from './paths';

const BUILD_TIMEOUT_MS = 180_000;

/**
 * Compiles src/ with the production build config (`npm run build`'s tsconfig) into BUILD_DIR, so
 * the bench runs the gateway and the emulator exactly as the container does: `node main.js`,
 * no TypeScript loader in the process (its RSS is the gateway's own).
 */
export async function buildGateway(): Promise<{ gatewayMain: string; emulatorMain: string }> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawnChild('tsc', process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', BUILD_DIR], process.env);
  const timer = setTimeout(() => void child.stop(), BUILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.process.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  await child.stop();
  const gatewayMain = join(BUILD_DIR, 'main.js');
  const emulatorMain = join(BUILD_DIR, 'emulator', 'main.js');
  // tsc emits even with type errors; a failed type check still fails the bench, loudly.
  if (code !== 0 || !existsSync(gatewayMain) || !existsSync(emulatorMain)) {
    throw new Error(`building the gateway failed (tsc exit ${code}):\n${child.output()}`);
  }
  return { gatewayMain, emulatorMain };
}
