#!/usr/bin/env -S node --import tsx
// Runs the CLI from src/ through tsx, for development. the dev mode of oclif cannot register the tsx
// version used here and would silently fall back to the compiled dist/, so commands load from src/.
import { execute } from '@oclif/core';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await execute({
  development: true,
  args: process.argv.slice(2),
  loadOptions: {
    root: root.pathname,
    ignoreManifest: true,
    pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
  },
});
