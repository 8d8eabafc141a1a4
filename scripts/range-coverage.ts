// Writes RANGE-COVERAGE.md: which operations of which services the range implements.
import { writeFileSync } from 'node:fs';
import { coverageMarkdown } from '../src/range/coverage.js';
import { rangeServices } from '../src/range/services/index.js';

writeFileSync(new URL('../RANGE-COVERAGE.md', import.meta.url), coverageMarkdown(rangeServices));
console.log('wrote RANGE-COVERAGE.md');
