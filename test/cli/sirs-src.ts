/**
 * Runs the sirs CLI from src/ in a child process: `node --import tsx test/cli/sirs-src.ts <args>`.
 * bin/dev.js cannot do this here: with tsconfig.json's rootDir ".", oclif's dev mode maps dist/commands
 * to ./commands, finds nothing and silently falls back to the compiled dist/ (stale during development).
 */
import { execute } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
await execute({
  args: process.argv.slice(2),
  loadOptions: {
    root: repoRoot,
    ignoreManifest: true,
    pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
  },
});
