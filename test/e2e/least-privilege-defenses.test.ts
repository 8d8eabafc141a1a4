/**
 * Least privilege covers the team's defences: a facilitator holding only what
 * `sirs policy ssh-open-to-world --defenses templates/defenses/ssh-revert.cfn.yaml` prints runs the drill
 * of that automation (the first case of automation.test.ts) with no AccessDenied, and so do the shipped
 * guards with their scenarios (config-remediation is left out: the range authorizes Config's recorder
 * and rule actions on `*` instead of their ARNs, so no scoped policy allows them there); one holding only the
 * scenario's policy is refused before anything is created, told which action is missing and which
 * `sirs policy ... --defenses ...` grants it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DrillResult } from '../../src/controller/drill.js';
import { SirsError } from '../../src/errors.js';
import { readJournal } from '../../src/exercise/journal.js';
import { sirsPolicy } from '../../src/policy/index.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { deniedEventsOf, facilitatorWith, type Facilitator } from '../policy/facilitator.js';
import { drillOfAutomation, leftoversOn, repoRoot } from './helpers.js';

const DEFENSE = join(repoRoot, 'templates', 'defenses', 'ssh-revert.cfn.yaml');

describe('e2e: least privilege covers --defenses (sirs policy --defenses, preflight)', function () {
  this.timeout(120_000);
  let range: TestRange;
  let cwd: string;
  before(async () => {
    range = await startTestRange();
    cwd = mkdtempSync(join(tmpdir(), 'sirs-lp-defenses-'));
  });
  after(async () => {
    await range.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  function drillAs(
    facilitator: Facilitator,
    id: string,
    scenario = 'ssh-open-to-world',
    defense = DEFENSE,
  ): Promise<DrillResult> {
    return drillOfAutomation({
      target: {
        endpointUrl: range.endpoint,
        rangeKeys: { admin: facilitator.credentials, root: { ...range.sirsTarget().rangeKeys.root } },
      },
      scenario,
      defense,
      id,
      cwd,
    });
  }

  it('with the policy of the scenario and its defence, the drill of the automation passes and the facilitator is never denied', async () => {
    const policy = sirsPolicy({ scenarios: ['ssh-open-to-world'], defenses: [DEFENSE], cwd });
    expect(policy.defenses).to.deep.equal(['defense-ssh-revert']);
    const facilitator = await facilitatorWith(range, policy.policy, 'lp-defended');
    const result = await drillAs(facilitator, 'lp-defended');
    expect(
      result.passed,
      JSON.stringify({
        score: result.exercise.score,
        explanations: result.explanations,
        denied: deniedEventsOf(range, facilitator.userName),
      }),
    ).to.equal(true);
    const created = range
      .events('CreateFunction')
      .filter((e) => (e.userIdentity as { userName?: string } | undefined)?.userName === 'lp-defended');
    // CloudFormation created the function with the facilitator's credentials (and its permissions).
    expect(created.length).to.be.greaterThan(0);
    expect(deniedEventsOf(range, facilitator.userName)).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('the other shipped defences deploy and run with only their policy too: no AccessDenied for the facilitator', async () => {
    const guards = [
      { scenario: 'cloudtrail-stopped', defense: 'trail-guard' },
      { scenario: 's3-public-object', defense: 'public-object-guard' },
      { scenario: 'ssh-open-to-world', defense: 'config-remediation' },
    ];
    for (const { scenario, defense } of guards) {
      const file = join(repoRoot, 'templates', 'defenses', `${defense}.cfn.yaml`);
      const policy = sirsPolicy({ scenarios: [scenario], defenses: [file], cwd });
      const facilitator = await facilitatorWith(range, policy.policy, `lp-${defense}`);
      const result = await drillAs(facilitator, `lp-${defense}`, scenario, file);
      const journal = readJournal(result.exercise.journal);
      expect(
        journal.some((e) => e.type === 'defenses.ready'),
        defense,
      ).to.equal(true);
      expect(deniedEventsOf(range, facilitator.userName), defense).to.deep.equal([]);
    }
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it("without the defence's statements the start is refused before any stack, naming a missing action and the sirs policy --defenses that grants it", async () => {
    const policy = sirsPolicy({ scenarios: ['ssh-open-to-world'], cwd });
    const facilitator = await facilitatorWith(range, policy.policy, 'lp-scenario-only');
    const stacksBefore = range.events('CreateStack').length;
    let refusal: unknown;
    try {
      await drillAs(facilitator, 'lp-refused');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).to.be.instanceOf(SirsError);
    const { code, message, suggestions } = refusal as SirsError;
    expect(code).to.equal('permissions-missing');
    expect(message).to.contain('these scenarios and defences need');
    expect(suggestions.join('\n')).to.contain('lambda:CreateFunction');
    expect(suggestions.join('\n')).to.contain(
      `sirs policy ssh-open-to-world --defenses ${DEFENSE} --format cfn`,
    );
    expect(range.events('CreateStack').length).to.equal(stacksBefore);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
