import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_BLOCKS, replaceBlock } from './render-docs';

/** `npm run docs`: rewrites every generated table in docs/. */
for (const [name, block] of Object.entries(GENERATED_BLOCKS)) {
  const document = readFileSync(block.file, 'utf8');
  writeFileSync(block.file, replaceBlock(document, name, block.render()));
  console.log(`${block.file}: ${name}`);
}
