import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const rangeDir = fileURLToPath(new URL('../../src/range/', import.meta.url));

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('range: boundaries', () => {
  it('never imports the rest of sirs (it talks to sirs only over HTTP)', () => {
    const offenders: string[] = [];
    for (const file of sources(rangeDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1] as string);
        if (relative(rangeDir, target).startsWith('..'))
          offenders.push(`${relative(rangeDir, file)} → ${m[1]}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
