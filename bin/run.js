#!/usr/bin/env node
// Root help (`sirs`, `sirs --help`, `sirs -h`, `sirs help`) is rendered from oclif.manifest.json without
// loading @oclif/core, which alone costs more than starting node (see src/cli/root-help.ts). Everything
// else, and root help whenever the fast path declines, goes through oclif.
const args = process.argv.slice(2);

if (args.length <= 1) {
  const rootHelp = await import('../dist/cli/root-help.js').catch(() => undefined);
  if (rootHelp?.isRootHelpRequest(args)) {
    const { fileURLToPath } = await import('node:url');
    const text = rootHelp.rootHelpFromInstall(fileURLToPath(new URL('..', import.meta.url)));
    if (text !== undefined) {
      process.stdout.write(text);
      process.exit(0);
    }
  }
}

// Node 22+ caches compiled modules between runs (a no-op on Node 20, which lacks the API).
(await import('node:module')).enableCompileCache?.();

// sirs supports Node 20 on purpose; the SDK's notice that its future versions will not is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `sirs help <command>` is `sirs <command> --help` (oclif without @oclif/plugin-help has no `help` command).
const argv = args[0] === 'help' ? [...args.slice(1), '--help'] : args;
const { execute } = await import('@oclif/core');
await execute({ args: argv, dir: import.meta.url });
