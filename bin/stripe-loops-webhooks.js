#!/usr/bin/env node
'use strict';
// The `stripe-loops-webhooks` command (`failed`, `replay`): the compiled CLI when `npm run build`
// produced one (as in the image), otherwise the TypeScript source run through tsx (a devDependency,
// which a checkout's `npm ci` installs), so it works straight from a checkout.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'webhooks.js');
if (existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'src', 'cli', 'webhooks.ts'));
}
