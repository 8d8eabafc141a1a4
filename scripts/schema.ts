/**
 * Writes scenarios/scenario.schema.json and scenarios/campaign.schema.json from the zod schemas
 * (src/scenario/schema.ts, src/scenario/campaign.ts), for editors with the YAML language server.
 * `npm run schema`; a test fails when a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { renderScenarioJsonSchema } from '../src/scenario/schema.js';
import { renderCampaignJsonSchema } from '../src/scenario/campaign.js';

for (const [name, text] of [
  ['scenario.schema.json', renderScenarioJsonSchema()],
  ['campaign.schema.json', renderCampaignJsonSchema()],
] as const) {
  const file = join(packageRoot(), 'scenarios', name);
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
