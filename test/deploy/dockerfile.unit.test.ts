import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags';

/**
 * The Dockerfile cannot be built here (no Docker engine), so its promises are checked by reading
 * it against what the build really produces: a non-root runtime whose CMD is a file
 * `npm run build` writes.
 */
const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Stage {
  from: string;
  /** Instructions with continuation lines joined: `["USER", "node"]`. */
  instructions: [string, string][];
}

function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = keyword.toUpperCase();
    if (instruction === 'FROM') stages.push({ from: rest, instructions: [] });
    else stages.at(-1)?.instructions.push([instruction, rest.trim()]);
  }
  return stages;
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1);
const all = (stage: Stage | undefined, instruction: string) =>
  (stage?.instructions ?? []).filter(([name]) => name === instruction).map(([, value]) => value);

/** `npm run build` into a throwaway `<dir>/dist`, once for the tests that need its output. */
let buildDir: string | undefined;
let buildResult: { dir: string; status: number | null; output: string } | undefined;
function build(): { dir: string; status: number | null; output: string } {
  if (buildResult) return buildResult;
  buildDir = mkdtempSync(join(tmpdir(), 'gw-build-'));
  const built = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', join(buildDir, 'dist')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 110_000,
  });
  buildResult = { dir: buildDir, status: built.status, output: built.stdout + built.stderr };
  return buildResult;
}
afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

interface PackageJson {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

function execForm(value: string | undefined): string[] {
  if (!value?.startsWith('[')) throw new Error(`expected the exec (JSON array) form, got: ${value}`);
  return JSON.parse(value) as string[];
}

describe('Dockerfile', () => {
  it('is multi-stage: a builder that runs npm run build, a runtime with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const builder = stages.find((stage) => / AS builder$/i.test(stage.from));
    expect(all(builder, 'RUN').join('\n')).toMatch(/npm run build/);
    expect(all(runtime, 'RUN').join('\n')).toMatch(/npm ci --omit=dev/);
    expect(all(runtime, 'COPY')).toEqual(expect.arrayContaining([expect.stringMatching(/^--from=builder \/app\/dist \.\/dist$/)]));
  });

  it('runs the runtime stage as a non-root user, set before CMD', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1) ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const names = runtime?.instructions.map(([name]) => name) ?? [];
    expect(names.lastIndexOf('USER')).toBeLessThan(names.lastIndexOf('CMD'));
  });

  it('exposes 4242 and health-checks /healthz', () => {
    expect(all(runtime, 'EXPOSE')).toContain('4242');
    expect(all(runtime, 'HEALTHCHECK').join('\n')).toMatch(/\/healthz/);
  });

  it('sends only what the image needs to the build context: every COPY source is allowed by .dockerignore', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('!'))
      .map((line) => normalize(line.slice(1)));
    const sources = stages.flatMap((stage) =>
      all(stage, 'COPY')
        .filter((args) => !args.includes('--from='))
        .flatMap((args) =>
          args
            .split(/\s+/)
            .filter((word) => !word.startsWith('--'))
            .slice(0, -1),
        ),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect({ source, allowed: allowed.includes(normalize(source)) }).toEqual({ source, allowed: true });
  });

  it('starts a file that npm run build produces (CMD and the emulator entry point)', () => {
    const cmd = execForm(all(runtime, 'CMD').at(-1));
    // node, the start-up options (src/node-flags.ts), then the entry point.
    expect(cmd.slice(0, -1)).toEqual(['node', ...GATEWAY_NODE_FLAGS]);
    const entry = cmd.at(-1) ?? '';
    expect(entry).toMatch(/^dist\/.+\.js$/);

    // npm run build = tsc -p tsconfig.build.json: src/ compiles to dist/ with the same layout.
    const shown = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--showConfig'], { cwd: ROOT, encoding: 'utf8' });
    expect(shown.status).toBe(0);
    const options = (JSON.parse(shown.stdout) as { compilerOptions: { outDir?: string; rootDir?: string } }).compilerOptions;
    expect(normalize(options.outDir ?? '')).toBe('dist');
    expect(normalize(options.rootDir ?? '')).toBe('src');

    const built = build();
    expect({ status: built.status, output: built.output }).toEqual({ status: 0, output: '' });
    expect(existsSync(join(built.dir, entry))).toBe(true);
    expect(existsSync(join(built.dir, 'dist', 'emulator', 'main.js'))).toBe(true);
  }, 120_000);

  it('the sandbox example starts the gateway with the same start-up options (src/node-flags.ts)', () => {
    const example = readFileSync(join(ROOT, 'examples', 'with-sandbox.js'), 'utf8');
    const args = (/run\('gateway', \[([^\]]*)\]/.exec(example)?.[1] ?? '').split(',').map((arg) => arg.trim());
    expect(args.slice(0, GATEWAY_NODE_FLAGS.length + 1)).toEqual([...GATEWAY_NODE_FLAGS.map((flag) => `'${flag}'`), "'--import'"]);
  });

  it('npm start gives node the same start-up options as the image (src/node-flags.ts)', () => {
    expect(pkg.scripts.start?.split(' ')).toEqual(['node', ...GATEWAY_NODE_FLAGS, '--import', 'tsx', 'src/main.ts']);
  });

  it('installs no dev tool in the runtime: tsx (npm start from a checkout) is a devDependency', () => {
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
    };
    // What `npm ci --omit=dev` reads: the lockfile, not package.json.
    expect(lock.packages['']?.dependencies).not.toHaveProperty('tsx');
    expect(lock.packages['']?.devDependencies).toHaveProperty('tsx');
    expect(lock.packages['node_modules/tsx']?.dev).toBe(true);
    expect(lock.packages['node_modules/esbuild']?.dev).toBe(true);
  });

  it('every package.json bin is an executable shim the image copies, and runs from the built layout without tsx', () => {
    expect(all(runtime, 'COPY')).toContain('bin ./bin');
    // tsc emits even with a type error (the test above reports that); the shims need only its output.
    const built = build();
    expect(existsSync(join(built.dir, 'dist', 'cli'))).toBe(true);
    // The image's /app: dist/ from the build, bin/, and node_modules without tsx or esbuild.
    const app = built.dir;
    cpSync(join(ROOT, 'bin'), join(app, 'bin'), { recursive: true });
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (['tsx', 'esbuild', '@esbuild', '.bin'].includes(name) || existsSync(join(app, 'node_modules', name))) continue;
      symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name));
    }
    const shims = Object.entries(pkg.bin);
    expect(shims.map(([name]) => name).sort()).toEqual(['stripe-loops-map', 'stripe-loops-mappings', 'stripe-loops-webhooks']);
    for (const [name, path] of shims) {
      expect({ name, path }).toEqual({ name, path: expect.stringMatching(/^bin\/[\w-]+\.js$/) });
      const file = join(ROOT, path);
      expect({ name, exists: existsSync(file) }).toEqual({ name, exists: true });
      expect(statSync(file).mode & 0o111).toBe(0o111);
      expect(readFileSync(file, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
      // With no configuration each CLI answers from its compiled code: usage, or what is missing.
      const run = spawnSync(process.execPath, [join(app, path), '--help'], {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        timeout: 30_000,
      });
      const output = run.stdout + run.stderr;
      expect({ name, output }).not.toEqual({ name, output: expect.stringMatching(/Cannot find module|tsx/) });
      if (name === 'stripe-loops-webhooks') {
        expect({ name, status: run.status, output }).toEqual({
          name,
          status: 2,
          output: expect.stringContaining('REDIS_URL: the delivery queue lives in Redis'),
        });
      } else {
        expect({ name, status: run.status, output }).toEqual({ name, status: 0, output: expect.stringContaining(`${name} `) });
      }
    }
  }, 120_000);
});
