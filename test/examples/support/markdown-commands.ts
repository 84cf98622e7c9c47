import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './example-process';

export interface CodeBlock {
  lang: string;
  body: string;
  /** The nearest heading above the block, without its `#`s. */
  heading: string;
}

/** The fenced code blocks of a markdown file of this repository, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let heading = '';
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ lang: open.lang, body: open.lines.join('\n'), heading });
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) open = { lang: line.slice(3).trim(), lines: [] };
    else if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
  }
  return blocks;
}

/** The one block of `lang` under `heading` (throws otherwise, so a README edit that moves it is noticed). */
export function blockUnder(file: string, heading: string, lang: string): string {
  const found = codeBlocks(file).filter((block) => block.heading === heading && block.lang === lang);
  if (found.length !== 1) throw new Error(`${file}: expected one ${lang} block under "${heading}", found ${found.length}`);
  return found[0]?.body ?? '';
}

/** The one block whose text contains `text`. */
export function blockContaining(file: string, text: string): string {
  const found = codeBlocks(file).filter((block) => block.body.includes(text));
  if (found.length !== 1) throw new Error(`${file}: expected one block containing "${text}", found ${found.length}`);
  return found[0]?.body ?? '';
}

/**
 * The commands of a shell block as a shell reads them: `\`-continued lines joined, comment lines
 * and trailing `# …` comments (outside quotes) dropped, blank lines skipped.
 */
export function shellCommands(body: string): string[] {
  const joined = body.replace(/\\\n\s*/g, '');
  return joined
    .split('\n')
    .map(withoutComment)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}

/**
 * The README's default ports (gateway 4242, emulator 4243, app 3000) replaced by the test's free
 * ones: the only change made to a printed command, since fixed ports cannot be relied on on a
 * machine running several suites.
 */
export function onPorts(command: string, ports: { gateway: number; emulator: number; app?: number }): string {
  return command
    .replace(/\b4242\b/g, String(ports.gateway))
    .replace(/\b4243\b/g, String(ports.emulator))
    .replace(/\b3000\b/g, String(ports.app ?? 3000));
}
