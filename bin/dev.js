#!/usr/bin/env -S node --import tsx
// Runs the CLI from src/ through tsx, for development (tsx is loaded by the first line). The root plugin
// is built here to read commands from src/commands and to ignore oclif.manifest.json, which names the
// compiled (maybe stale) files in dist/.
import { Config, Plugin, flush, handle, run, settings } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.env.NODE_ENV ??= 'development';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
settings.enableAutoTranspile = false;
const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const plugin = new Plugin({
  root,
  isRoot: true,
  ignoreManifest: true,
  pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
});
await plugin.load();
const config = await Config.load({ root, plugins: new Map([[plugin.name, plugin]]) });
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch((error) => handle(error));
