import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { envSchema } from '../../src/config/env-schema';
import { LOOPS_CONTRACT } from '../../src/loops/contract-choices';

/**
 * Comments and documents cite `docs/<name>.md` for the reason behind a choice; a citation of a
 * file that does not exist (an operations guide was cited once, never written) sends the reader
 * nowhere.
 */
const ROOT = join(__dirname, '..', '..');

function files(dir: string, pattern = /\.(ts|js|md)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

/** Code, scripts and documents, where a comment or a string may cite a file (data files excluded). */
const CITING = /\.(ts|js|mjs|cjs|md|sh|py|ya?ml)$/;
const CITING_FILES = [
  ...['src', 'test', 'bin', 'bench', 'scripts', 'examples', 'docs'].flatMap((dir) =>
    existsSync(join(ROOT, dir)) ? files(join(ROOT, dir), CITING) : [],
  ),
  ...['README.md', 'Dockerfile', 'docker-compose.yml'].map((name) => join(ROOT, name)),
].map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));

/** Line number of an offset, for failure messages. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * Specification files the project was written from, outside the repository: a clone does not
 * have them, so nothing may cite them (issue 14). Their contents are stated, with the same section
 * numbers, in docs/loops-contract.md, docs/stripe-checkout-contract.md,
 * docs/stripe-billing-contract.md, docs/migrating.md, docs/development.md and the README. Written
 * without their extension so that this file does not cite them itself.
 */
const PRIVATE_SPECIFICATIONS = ['loops-api', 'stripe-surface', 'stripe-billing-surface', 'product', 'real-apps', 'architecture'];

describe('documentation references', () => {
  it('every docs/<name>.md cited in src, test, bin, bench, docs, examples and the README exists', () => {
    const cited = CITING_FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/\bdocs\/[\w.-]+\.md\b/g)].map((match) => ({ in: file, cites: match[0] })),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !existsSync(join(ROOT, c.cites)))).toEqual([]);
  });

  it('every *.md file cited in code, tests, scripts, benchmarks, examples and docs exists in the repository', () => {
    // A path as written: from the repository root, from docs/, or from the citing file's folder; a
    // bare name may also be any tracked document of that name (`README.md`, `latest.md`).
    const documents = new Set(
      ['src', 'test', 'bin', 'bench', 'scripts', 'examples', 'docs', 'mappings']
        .flatMap((dir) => (existsSync(join(ROOT, dir)) ? files(join(ROOT, dir), /\.md$/) : []))
        .map((file) => basename(file)),
    );
    const cited = CITING_FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/(?<![\w$}./-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w-][\w.-]*\.md)\b/g)].map((match) => ({
        at: `${file}:${lineOf(text, match.index ?? 0)}`,
        in: file,
        cites: match[1] ?? '',
      })),
    );
    expect(cited.length).toBeGreaterThan(100);
    const missing = cited.filter(
      (c) =>
        !existsSync(join(ROOT, c.cites)) &&
        !existsSync(join(ROOT, 'docs', c.cites)) &&
        !existsSync(join(ROOT, dirname(c.in), c.cites)) &&
        !(c.cites === basename(c.cites) && documents.has(c.cites)),
    );
    expect(missing.map((c) => `${c.at} cites ${c.cites}`)).toEqual([]);
  });

  it('nothing cites the specification files that are not in the repository', () => {
    const names = PRIVATE_SPECIFICATIONS.map((name) => `${name}.md`);
    const found = CITING_FILES.flatMap(({ file, text }) =>
      names.flatMap((name) =>
        [...text.matchAll(new RegExp(`(?<![\\w.-])${name.replace(/[.-]/g, '\\$&')}\\b`, 'g'))].map(
          (match) => `${file}:${lineOf(text, match.index ?? 0)} cites ${name}`,
        ),
      ),
    );
    // A name split over a comment's line break (its first part ending the line with "-") is a citation too.
    const split = CITING_FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/(stripe-billing-|stripe-|loops-|real-)\n[ \t]*(?:\*|\/\/|#)?[ \t]*(billing-surface|surface|api|apps)\.md/g)]
        .filter((match) => PRIVATE_SPECIFICATIONS.includes(`${match[1]}${match[2]}`))
        .map((match) => `${file}:${lineOf(text, match.index ?? 0)} cites ${match[1]}${match[2]}.md`),
    );
    expect([...found, ...split]).toEqual([]);
  });

  it('every docs/<name>.md §N citation names a numbered section of that document', () => {
    // `docs/loops-contract.md §8.1, §8.2`, `docs/stripe-billing-contract.md §6–§8, §10`,
    // `[loops-contract.md §7.7](…)`: each number must be a heading `## 8. …` or `### 8.1 …` there.
    const sections = new Map<string, Set<string>>();
    const numberedHeadings = (name: string): Set<string> => {
      let known = sections.get(name);
      if (!known) {
        known = new Set([...readFileSync(join(ROOT, 'docs', name), 'utf8').matchAll(/^#{1,6} (\d+(?:\.\d+)*)\.? /gm)].map((match) => match[1] ?? ''));
        sections.set(name, known);
      }
      return known;
    };
    const citations = CITING_FILES.flatMap(({ file, text }) =>
      [...text.matchAll(/(?<![\w.-])(?:docs\/)?([\w-]+\.md)`?[ \t]*((?:§\d+(?:\.\d+)*(?:[ \t]*(?:,|and|–|-|\/)[ \t]*(?=§))?)+)/g)]
        .filter((match) => existsSync(join(ROOT, 'docs', match[1] ?? '')))
        .flatMap((match) =>
          [...(match[2] ?? '').matchAll(/§(\d+(?:\.\d+)*)/g)].map((section) => ({
            at: `${file}:${lineOf(text, match.index ?? 0)}`,
            doc: match[1] ?? '',
            section: section[1] ?? '',
          })),
        ),
    );
    expect(citations.length).toBeGreaterThan(300);
    const unknown = citations.filter((c) => !numberedHeadings(c.doc).has(c.section));
    expect(unknown.map((c) => `${c.at} cites docs/${c.doc} §${c.section}`)).toEqual([]);
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
