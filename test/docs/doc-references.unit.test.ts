import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { envSchema } from '../../src/config/env-schema';
import { LOOPS_CONTRACT } from '../../src/loops/contract-choices';

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
  it('every docs/<name>.md cited in src, test, bin, bench, docs, examples and the README exists', () => {
    const sources = [
      ...['src', 'test', 'bin', 'bench', 'docs', 'scripts', 'examples'].flatMap((dir) => (existsSync(join(ROOT, dir)) ? files(join(ROOT, dir)) : [])),
      ...['README.md', 'Dockerfile', 'docker-compose.yml'].map((name) => join(ROOT, name)),
    ];
    const cited = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map((match) => ({ in: relative(ROOT, file), cites: match[0] })),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !existsSync(join(ROOT, c.cites)))).toEqual([]);
  });

  it('every relative link in the README and the docs points at a file that exists, and at a heading it has', () => {
    const documents = [join(ROOT, 'README.md'), ...files(join(ROOT, 'docs')), ...files(join(ROOT, 'examples'))].map((file) => relative(ROOT, file));
    const markdown = documents.filter((file) => file.endsWith('.md'));
    const links = markdown.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => ({ in: file, target })),
    );
    expect(links.length).toBeGreaterThan(20);
    const broken = links.filter(({ in: file, target }) => {
      const [path = '', anchor] = target.split('#');
      const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), path);
      if (!existsSync(resolved)) return true;
      return anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

/** GitHub's anchors for a document's headings (outside code blocks): lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    else if (!inCode && /^#{1,6} /.test(line)) {
      anchors.add(
        line
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\- _]/gu, '')
          .replace(/ /g, '-'),
      );
    }
  }
  return anchors;
}

describe('docs/loops-contract.md', () => {
  const document = readFileSync(join(ROOT, 'docs', 'loops-contract.md'), 'utf8');

  it('names every switch of src/loops/contract-choices.ts', () => {
    expect(Object.keys(LOOPS_CONTRACT).filter((name) => !document.includes(`\`LOOPS_CONTRACT.${name}\``))).toEqual([]);
  });

  it('names every LOOPS_* configuration variable', () => {
    const variables = Object.keys(envSchema.shape).filter((name) => name.startsWith('LOOPS_'));
    expect(variables.length).toBeGreaterThan(3);
    expect(variables.filter((name) => !document.includes(`\`${name}\``))).toEqual([]);
  });
});
