import { expect } from 'chai';
import { join } from 'node:path';
import { EMPTY_CONFIG } from '../../src/lint/config.js';
import { lintTemplate } from '../../src/lint/engine.js';
import { readLintTemplate } from '../../src/lint/template.js';
import { CORPUS_DIR, corpusEntries } from './corpus.js';

/** Every insecure variant flagged by its rule, no secure one (see corpus.ts). */
describe('lint corpus', () => {
  const entries = corpusEntries();

  it('holds at least 60 labelled templates, insecure and secure, in YAML and JSON', () => {
    const files = new Set(entries.map((e) => e.file));
    expect(files.size).to.be.at.least(60);
    expect(entries.filter((e) => e.variant === 'insecure').length).to.be.at.least(30);
    expect([...files].filter((f) => f.endsWith('.json')).length).to.be.at.least(10);
    expect([...files].filter((f) => f.startsWith('stacks')).length, 'whole stacks').to.be.at.least(8);
  });

  it('flags every insecure variant with its rule, and no secure variant with its rule', () => {
    const wrong: string[] = [];
    for (const e of entries) {
      const read = readLintTemplate(join(CORPUS_DIR, e.file), e.file);
      if (!read.ok) throw new Error(e.file);
      const fired = lintTemplate(read.template, { parameters: {}, config: EMPTY_CONFIG }).findings.some(
        (f) => f.rule === e.rule,
      );
      if (e.variant === 'insecure' && !fired) wrong.push(`${e.file}: ${e.rule} missed`);
      if (e.variant === 'secure' && fired) wrong.push(`${e.file}: ${e.rule} false positive`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
