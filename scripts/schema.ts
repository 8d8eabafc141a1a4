/**
 * Writes scenarios/scenario.schema.json from the zod schemas (src/scenario/schema.ts), for editors with
 * the YAML language server. `npm run schema`; a test fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { renderScenarioJsonSchema } from '../src/scenario/schema.js';

const file = join(packageRoot(), 'scenarios', 'scenario.schema.json');
writeFileSync(file, renderScenarioJsonSchema());
console.log(`wrote ${file}`);
