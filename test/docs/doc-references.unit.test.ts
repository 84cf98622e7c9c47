import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Comments and documents cite `docs/<name>.md` for the reason behind a choice; a citation of a
 * file that does not exist (an operations guide was cited once, never written) sends the reader
 * nowhere.
 */
const ROOT = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js|md)$/.test(name) ? [path] : [];
  });
}

describe('documentation references', () => {
  it('every docs/<name>.md cited in src, test, bin, bench, docs and the README exists', () => {
    const sources = [
      ...['src', 'test', 'bin', 'bench', 'docs', 'scripts'].flatMap((dir) => (existsSync(join(ROOT, dir)) ? files(join(ROOT, dir)) : [])),
      ...['README.md', 'Dockerfile', 'docker-compose.yml'].map((name) => join(ROOT, name)),
    ];
    const cited = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map((match) => ({ in: relative(ROOT, file), cites: match[0] })),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !existsSync(join(ROOT, c.cites)))).toEqual([]);
  });
});
