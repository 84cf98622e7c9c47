import { join, resolve } from 'node:path';

/** The repository root, whatever directory the bench was started from. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Where the bench compiles the gateway. Inside node_modules so the compiled files resolve the
 * project's dependencies as dist/ would, without touching dist/ (someone else may be using it).
 */
export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'stripe-loops-bench', 'dist');

export const REPORTS_DIR = join(REPO_ROOT, 'bench', 'reports');
