import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { coverageMarkdown } from '../../src/range/coverage.js';
import { rangeServices } from '../../src/range/services/index.js';
import { loadModel } from '../../src/range/model/index.js';

describe('range: coverage list', () => {
  it('RANGE-COVERAGE.md matches the code (regenerate: npx tsx scripts/range-coverage.ts)', () => {
    const committed = readFileSync(new URL('../../RANGE-COVERAGE.md', import.meta.url), 'utf8');
    expect(committed).to.equal(coverageMarkdown(rangeServices));
  });

  it('every handler implements an operation of its service model (no typos that would never be routed)', () => {
    for (const s of rangeServices) {
      const known = new Set(loadModel(s.name).operationNames);
      const unknown = Object.keys(s.handlers).filter((op) => !known.has(op));
      expect(unknown, `${s.name} handlers not in the model`).to.deep.equal([]);
    }
  });
});
