import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';

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
    expect(cmd[0]).toBe('node');
    expect(cmd[1]).toMatch(/^dist\/.+\.js$/);

    // npm run build = tsc -p tsconfig.build.json: src/ compiles to dist/ with the same layout.
    const shown = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--showConfig'], { cwd: ROOT, encoding: 'utf8' });
    expect(shown.status).toBe(0);
    const options = (JSON.parse(shown.stdout) as { compilerOptions: { outDir?: string; rootDir?: string } }).compilerOptions;
    expect(normalize(options.outDir ?? '')).toBe('dist');
    expect(normalize(options.rootDir ?? '')).toBe('src');

    const outDir = mkdtempSync(join(tmpdir(), 'gw-build-'));
    try {
      const built = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', outDir], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 110_000,
      });
      expect({ status: built.status, output: built.stdout + built.stderr }).toEqual({ status: 0, output: '' });
      const relative = (path: string) => path.replace(/^dist\//, '');
      expect(existsSync(join(outDir, relative(cmd[1] ?? '')))).toBe(true);
      expect(existsSync(join(outDir, 'emulator', 'main.js'))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
