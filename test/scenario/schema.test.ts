import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import {
  renderScenarioJsonSchema,
  SCHEMA_COMMAND,
  Scenario,
  scenarioJsonSchema,
} from '../../src/scenario/schema.js';
import { signalKinds } from '../../src/signals/registry.js';
import { renderCampaignJsonSchema } from '../../src/scenario/campaign.js';

type JsonSchema = { [k: string]: unknown; properties?: Record<string, JsonSchema>; description?: string };

describe('scenario JSON Schema', () => {
  const committedFile = join(packageRoot(), 'scenarios', 'scenario.schema.json');

  it('is committed up to date with the zod schemas', () => {
    const committed = readFileSync(committedFile, 'utf8');
    if (committed !== renderScenarioJsonSchema()) {
      expect.fail(`scenarios/scenario.schema.json is stale: run \`${SCHEMA_COMMAND}\` and commit the result`);
    }
  });

  it('has a campaign counterpart, committed up to date too', () => {
    const committed = readFileSync(join(packageRoot(), 'scenarios', 'campaign.schema.json'), 'utf8');
    if (committed !== renderCampaignJsonSchema()) {
      expect.fail(`scenarios/campaign.schema.json is stale: run \`${SCHEMA_COMMAND}\` and commit the result`);
    }
  });

  it('is what the scenario files point their editors at', () => {
    const first = readFileSync(join(packageRoot(), 'scenarios', 'ssh-open-to-world.yaml'), 'utf8').split(
      '\n',
    )[0];
    expect(first).to.equal('# yaml-language-server: $schema=./scenario.schema.json');
  });

  it('offers one condition form per signal kind, built from the registry', () => {
    const schema = scenarioJsonSchema() as { definitions: { Condition: { anyOf: JsonSchema[] } } };
    const forms = schema.definitions.Condition.anyOf.map((f) => Object.keys(f.properties ?? {}));
    expect(forms).to.deep.equal(signalKinds.map((k) => [k.name]));
  });

  it('describes every top-level field, so editors show help while typing', () => {
    const schema = scenarioJsonSchema() as JsonSchema;
    const undocumented = Object.entries(schema.properties ?? {}).filter(([, p]) => !p.description);
    expect(undocumented.map(([k]) => k)).to.deep.equal([]);
  });

  it('rejects unknown keys (additionalProperties: false) so typos are caught while typing', () => {
    const schema = scenarioJsonSchema() as JsonSchema;
    expect(schema.additionalProperties).to.equal(false);
  });

  it('parses the shipped scenario into typed data', () => {
    const r = Scenario.safeParse({
      id: 'x',
      title: 't',
      summary: 's',
      severity: 'low',
      layer: 'os',
      control: 'c',
      monitor: 'm',
      fix: 'f',
      inject: { stack: { template: 'x.yaml' } },
      phases: {
        detect: { target: '1m', all: [{ sgIngress: { group: 'sg-1', port: 22, expect: 'absent' } }] },
      },
      runbook: 'r',
      timeLimit: '5m',
    });
    expect(r.success).to.equal(true);
    // The default protocol is filled in for consumers of the typed scenario.
    if (r.success)
      expect(r.data.phases.detect.all?.[0]).to.deep.equal({
        sgIngress: { group: 'sg-1', port: 22, protocol: 'tcp', expect: 'absent' },
      });
  });
});
