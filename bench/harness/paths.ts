import { join, resolve } from 'node:path';

/** The repository root, whatever directory the bench was started from. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Where the bench compiles the gateway. Inside node_modules so the compiled files resolve the
 * project's dependencies as dist/ would, without touching dist/ (someone else may be using it).
 * `BENCH_BUILD_DIR` (a directory inside the checkout, e.g. `scratch/bench-dist`) moves it: where
 * several checkouts share one node_modules (git worktrees), their bench runs would otherwise
 * compile into, and run, the same directory.
 */
export const BUILD_DIR = buildDir(process.env.BENCH_BUILD_DIR?.trim());

function buildDir(configured: string | undefined): string {
  if (!configured) return join(REPO_ROOT, 'node_modules', '.cache', 'stripe-loops-bench', 'dist');
  const dir = resolve(REPO_ROOT, configured);
  // The build starts by deleting it: never anything outside the checkout.
  if (!dir.startsWith(`${REPO_ROOT}/`)) throw new Error(`BENCH_BUILD_DIR must be inside ${REPO_ROOT}, got ${dir}`);
  return dir;
}

export const REPORTS_DIR = join(REPO_ROOT, 'bench', 'reports');
