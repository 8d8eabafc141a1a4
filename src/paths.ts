import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The root of the installed sirs package (where scenarios/, templates/ and runbooks/ live). Found by walking
 * up from this module, so it is right both from src/ under tsx and from dist/ after a build.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pjson = join(dir, 'package.json');
    if (existsSync(pjson) && isSirsPackage(pjson)) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the sirs package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function isSirsPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'sirs';
  } catch {
    return false;
  }
}
