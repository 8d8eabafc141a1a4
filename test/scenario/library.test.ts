import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { catalogEntries } from '../../src/scenario/catalog.js';
import { loadExercise, loadScenario } from '../../src/scenario/load.js';
import { runbookOf } from '../../src/scenario/schema.js';

/** What every scenario of the shipped library must say, and the files that make it one unit. */
describe('the scenario library', () => {
  const root = packageRoot();
  const { scenarios, campaigns } = catalogEntries(root);

  it('ships the closed loops the practice names, and a campaign', () => {
    expect(scenarios).to.include.members([
      'cloudtrail-stopped',
      'ssh-open-to-world',
      's3-public-object',
      'root-account-activity',
      'os-root-login',
      'unpatched-instance',
      'iam-admin-backdoor',
      'kms-key-deletion',
      'flow-logs-deleted',
      'public-ebs-snapshot',
    ]);
    expect(campaigns).to.include('intrusion-campaign');
  });

  for (const id of scenarios) {
    it(`${id}: states its targets, AWS cost, MITRE ids, two or more hints with costs, detections and runbook class; has its template, runbook and test`, () => {
      const { scenario: s } = loadScenario(id);
      expect(s.targets?.length ?? 0, 'targets').to.be.at.least(1);
      expect(s.awsCost ?? '', 'awsCost').to.not.equal('');
      expect(s.mitre?.length ?? 0, 'mitre').to.be.at.least(1);
      expect(s.hints?.length ?? 0, 'hints').to.be.at.least(2);
      for (const h of s.hints!) expect(h.cost, 'a hint costs points').to.be.greaterThan(0);
      expect(s.detections?.length ?? 0, 'detections').to.be.at.least(1);
      expect(s.autopilot?.length ?? 0, 'autopilot').to.be.at.least(2);
      expect(s.phases.contain && s.phases.recover, 'a closed loop has contain and recover').to.not.equal(
        undefined,
      );
      expect(s.inject.stack.template).to.equal(`${id}.cfn.yaml`);
      expect(existsSync(join(root, 'runbooks', `${runbookOf(s).name}.md.hbs`)), 'runbook').to.equal(true);
      expect(existsSync(join(root, 'test', 'scenarios', `${id}.test.ts`)), 'its three-run test').to.equal(
        true,
      );
    });
  }

  for (const id of campaigns) {
    it(`campaign ${id}: stages of the library, at least one decoy, its own test`, () => {
      const units = loadExercise([id]);
      expect(units.scenarios.length).to.be.at.least(2);
      expect(units.decoys.length).to.be.at.least(1);
      expect(existsSync(join(root, 'test', 'scenarios', `${id}.test.ts`))).to.equal(true);
    });
  }
});
