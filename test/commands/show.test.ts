import { expect } from 'chai';
import type { ScenarioView } from '../../src/scenario/show.js';
import { sirs } from '../cli/helpers.js';

describe('sirs show', () => {
  it('shows the closed loop, phases with their signals, hints, inject plan and runbook', async () => {
    const r = await sirs(['show', 'ssh-open-to-world']);
    expect(r.exitCode).to.equal(0);
    const out = r.stdout;
    expect(out).to.match(
      /^SSH open to the world \(ssh-open-to-world\)\nseverity high · layer network · MITRE T1133, T1021\.004 · time limit 45m\n/,
    );
    expect(out).to.contain(
      'CLOSED LOOP\n  control  SSH is reachable only from the bastion subnet.\n  monitor  AuthorizeSecurityGroupIngress',
    );
    expect(out).to.contain('  fix      Revoke the rule that opens 22');
    expect(out).to.contain(
      '  detect   within 10m, when any of:\n             • A responder acknowledges the finding "ssh-exposure" on {{outputs.WebSgId}}',
    );
    expect(out).to.contain(
      '  contain  within 20m, when all of:\n             • Security group {{outputs.WebSgId}} does not allow inbound tcp port 22 from 0.0.0.0/0',
    );
    expect(out).to.contain('• Security group {{outputs.WebSgId}} allows inbound tcp port 443 from 0.0.0.0/0');
    expect(out).to.contain('  5m    -  5 pts  CloudTrail records every AuthorizeSecurityGroupIngress call');
    expect(out).to.contain('  stack    templates/ssh-open-to-world.cfn.yaml');
    expect(out).to.contain('SshOpenToWorld (AWS::EC2::SecurityGroupIngress)');
    expect(out).to.contain('RUNBOOK\n  runbooks/network-exposure.md.hbs');
    expect(out).to.contain('  40s    call ec2:RevokeSecurityGroupIngress');
  });

  it('gives the same view as JSON', async () => {
    const r = await sirs(['show', 'ssh-open-to-world', '--json']);
    const view = r.json as ScenarioView;
    expect(view.loop.control).to.equal('SSH is reachable only from the bastion subnet.');
    expect(view.phases.map((p) => [p.name, p.target, p.mode, p.signals.length])).to.deep.equal([
      ['detect', '10m', 'any', 1],
      ['contain', '20m', 'all', 1],
      ['recover', '30m', 'all', 2],
    ]);
    expect(view.phases[1]!.signals[0]).to.deep.equal({
      kind: 'sgIngress',
      family: 'state',
      params: {
        group: '{{outputs.WebSgId}}',
        protocol: 'tcp',
        port: 22,
        cidr: '0.0.0.0/0',
        expect: 'absent',
      },
      description: 'Security group {{outputs.WebSgId}} does not allow inbound tcp port 22 from 0.0.0.0/0',
    });
    expect(view.inject.outputs).to.deep.equal(['VpcId', 'BastionSubnetId', 'WebSgId', 'BastionCidr']);
    expect(view.autopilot.map((a) => a.at)).to.deep.equal(['20s', '40s', '1m']);
  });

  it('exits 2 for an unknown id and 1 for an invalid scenario', async () => {
    const unknown = await sirs(['show', 'ssh-open-to-wolrd']);
    expect(unknown.exitCode).to.equal(2);
    expect(unknown.stderr).to.contain('did you mean "ssh-open-to-world"?');
    const invalid = await sirs(['show', 'test/corpus/bad/scenarios/hint-times.yaml']);
    expect(invalid.exitCode).to.equal(1);
    expect(invalid.stderr).to.contain(
      'Error: scenario test/corpus/bad/scenarios/hint-times.yaml is invalid (2 problems)',
    );
    expect(invalid.stderr).to.contain(
      '→ test/corpus/bad/scenarios/hint-times.yaml:28:9: hint at 45m would never be shown',
    );
  });

  it('requires an id', async () => {
    const r = await sirs(['show']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/^Error: sirs show needs <id>\n/);
  });
});
