import { expect } from 'chai';
import type { ScenarioList } from '../../src/scenario/list.js';
import { sirs } from '../cli/helpers.js';

describe('sirs list', () => {
  it('prints a table of id, title, severity, layer, targets and control', async () => {
    const r = await sirs(['list']);
    expect(r.exitCode).to.equal(0);
    const [header, ...rows] = r.stdout.split('\n');
    expect(header).to.match(/^ID\s+TITLE\s+SEVERITY\s+LAYER\s+TARGETS\s+CONTROL$/);
    expect(rows.find((l) => l.startsWith('ssh-open-to-world'))).to.match(
      /^ssh-open-to-world\s+SSH open to the world\s+high\s+network\s+range,aws\s+SSH is reachable only from the bastion subnet\.$/,
    );
  });

  it('filters by layer and severity', async () => {
    const hit = await sirs(['list', '--layer', 'network', '--severity', 'high', '--json']);
    expect((hit.json as ScenarioList).scenarios.map((s) => s.id)).to.include('ssh-open-to-world');
    const miss = await sirs(['list', '--layer', 'identity', '--severity', 'high']);
    expect(miss.exitCode).to.equal(0);
    expect(miss.stdout).not.to.contain('ssh-open-to-world');
  });

  it('gives typed rows with --json', async () => {
    const r = await sirs(['list', '--json']);
    const list = r.json as ScenarioList;
    expect(list.invalid).to.deep.equal([]);
    expect(list.scenarios.find((s) => s.id === 'ssh-open-to-world')).to.deep.equal({
      id: 'ssh-open-to-world',
      kind: 'scenario',
      targets: ['range', 'aws'],
      title: 'SSH open to the world',
      severity: 'high',
      layer: 'network',
      control: 'SSH is reachable only from the bastion subnet.',
      file: 'scenarios/ssh-open-to-world.yaml',
    });
  });

  it('rejects an unknown layer with exit 2, naming the allowed ones', async () => {
    const r = await sirs(['list', '--layer', 'cloud']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain(
      'Expected --layer=cloud to be one of: platform, network, os, data, identity, logging',
    );
  });
});
