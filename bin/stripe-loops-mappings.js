#!/usr/bin/env node
'use strict';
// The `stripe-loops-mappings` command: the compiled CLI when `npm run build` produced one, otherwise the
// TypeScript source run through tsx (a devDependency, which a checkout's `npm ci` installs; the
// image has dist/ and no tsx), so it works straight from a checkout.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'mappings.js');
if (existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'src', 'cli', 'mappings.ts'));
}
