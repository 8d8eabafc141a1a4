/**
 * Drills of a team's automation on the range, nobody responding (--no-autopilot): the shipped
 * ssh-revert defence (EventBridge rule on CloudTrail → Lambda → RevokeSecurityGroupIngress) meets the
 * phases of ssh-open-to-world and the report credits its Lambda role; so does the shipped Config defence
 * (restricted-ssh → automatic remediation → the team's own SSM Automation runbook), credited to the Config
 * rule and its runbook; a defence whose handler throws,
 * or whose rule never matches, fails the drill with an explanation a team can act on.
 *
 * The broken cases do not wait for a time limit: each ends the drill (as a facilitator's Ctrl-C would)
 * once the range shows the failure the explanation must name (the function's error in its log, the
 * rule's MatchedEvents datapoint), so nothing depends on how fast the machine is.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { DrillResult } from '../../src/controller/drill.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { readJournal } from '../../src/exercise/journal.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { drillOfAutomation, leftoversOn, repoRoot } from './helpers.js';

const SHIPPED = join(repoRoot, 'templates', 'defenses', 'ssh-revert.cfn.yaml');

describe('e2e: drills of automation (--defenses, --no-autopilot)', function () {
  this.timeout(120_000);
  let range: TestRange;
  let cwd: string;
  before(async () => {
    range = await startTestRange();
    cwd = mkdtempSync(join(tmpdir(), 'sirs-automation-'));
  });
  after(async () => {
    await range.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  function drill(
    id: string,
    defense: string,
    opts: { signal?: AbortSignal; onEvent?: (e: ControllerEvent) => void; scenario?: string } = {},
  ): Promise<DrillResult> {
    return drillOfAutomation({
      target: range.sirsTarget(),
      scenario: opts.scenario ?? 'ssh-open-to-world',
      defense,
      id,
      cwd,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onControllerEvent: (e) => opts.onEvent?.(e),
    });
  }

  /** A broken copy of the shipped defence. */
  function variant(name: string, edit: (yaml: string) => string): string {
    const file = join(cwd, `${name}.cfn.yaml`);
    const yaml = readFileSync(SHIPPED, 'utf8');
    const edited = edit(yaml);
    expect(edited).not.to.equal(yaml);
    writeFileSync(file, edited);
    return file;
  }

  /** Run a drill that cannot pass and end it once `seen` holds (polled on the range). */
  async function brokenDrill(
    id: string,
    defense: string,
    seen: (events: readonly ControllerEvent[]) => Promise<boolean>,
    scenario = 'ssh-open-to-world',
  ): Promise<DrillResult> {
    const stop = new AbortController();
    const events: ControllerEvent[] = [];
    const running = drill(id, defense, { signal: stop.signal, onEvent: (e) => events.push(e), scenario });
    let done = false;
    void running.finally(() => (done = true));
    // Only once the exercise is live: what the controller saw is what the explanation reads.
    const live = () => events.some((e) => e.type === 'controller.tick');
    while (!done && !(live() && (await seen(events).catch(() => false))))
      await new Promise((r) => setTimeout(r, 200));
    stop.abort('SIGINT');
    return running;
  }

  it("ssh-revert closes the loop: every phase met by the automation, credited to the Lambda function's role, nothing left", async () => {
    const result = await drill('auto-ssh-revert', SHIPPED);
    expect(result.passed, JSON.stringify(result.exercise.score)).to.equal(true);
    const journal = readJournal(result.exercise.journal);
    const contain = journal.find((e) => e.type === 'phase.met' && e.phase === 'contain');
    if (contain?.type !== 'phase.met') throw new Error('contain was not met');
    const responder = contain.evidence[0]?.responder;
    expect(responder?.kind).to.equal('automation');
    // Lambda runs a function as assumed-role/<execution role>/<function name>.
    expect(responder?.principal).to.match(
      /^arn:aws:sts::\d{12}:assumed-role\/[^/]*RevertRole[^/]*\/[^/]*RevertFunction[^/]*$/,
    );
    expect(responder?.chain?.[0]).to.match(/^EventBridge rule .*SshIngressRule/);
    expect(responder?.chain?.at(-1)).to.equal('RevokeSecurityGroupIngress');
    const report = readFileSync(join(result.exercise.journal, '..', 'report.md'), 'utf8');
    expect(report).to.contain("Closed by the team's automation, Lambda function");
    const created = journal.find((e) => e.type === 'exercise.created');
    expect(created?.type === 'exercise.created' && created.defenses).to.deep.equal([
      { id: 'defense-ssh-revert', file: SHIPPED, deployed: true },
    ]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('a handler that throws fails the drill, and JUnit names the function, its error and its log lines', async () => {
    const throwing = variant('ssh-revert-throws', (y) =>
      y.replace(
        'exports.handler = async (event) => {',
        "exports.handler = async (event) => {\n            throw new Error('cannot revert: on purpose');",
      ),
    );
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const result = await brokenDrill('auto-throws', throwing, async () => {
      const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
      for (const g of groups.logGroups ?? []) {
        if (!g.logGroupName?.includes('auto-throws')) continue;
        const found = await logs.send(
          new FilterLogEventsCommand({ logGroupName: g.logGroupName, filterPattern: '"cannot revert"' }),
        );
        if ((found.events ?? []).length > 0) return true;
      }
      return false;
    });
    logs.destroy();
    expect(result.passed).to.equal(false);
    const errored = result.explanations.find((x) => x.verdict === 'function-errored');
    expect(errored?.message).to.contain('cannot revert: on purpose');
    expect(errored?.loop).to.match(/^EventBridge rule .* → Lambda .*RevertFunction/);
    const xml = readFileSync(result.junit, 'utf8');
    expect(xml).to.contain('cannot revert: on purpose');
    expect(xml).to.contain('<system-err>');
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('a rule whose pattern never matches fails the drill, and JUnit says the rule never matched', async () => {
    const deaf = variant('ssh-revert-deaf', (y) =>
      y.replace('eventName: [AuthorizeSecurityGroupIngress]', 'eventName: [AuthorizeSecurityGroupEgress]'),
    );
    // A rule that matches nothing has no AWS/Events datapoints at all; once the fault's call is in
    // CloudTrail (and so on the default bus), it has had its chance.
    const result = await brokenDrill(
      'auto-deaf',
      deaf,
      async () => range.events('AuthorizeSecurityGroupIngress').length > 0,
    );
    expect(result.passed).to.equal(false);
    const deafRule = result.explanations.find((x) => x.verdict === 'never-matched');
    expect(deafRule?.message).to.match(/^rule .*SshIngressRule.* never matched an event/);
    expect(readFileSync(result.junit, 'utf8')).to.contain('never matched an event');
  });

  it("the shipped Config defence closes ssh-open-to-world: restricted-ssh flags the group and its automatic remediation, the team's own runbook, meets contain and recover", async () => {
    const config = join(repoRoot, 'templates', 'defenses', 'config-remediation.cfn.yaml');
    const result = await drill('auto-config', config);
    expect(result.passed, JSON.stringify(result.exercise.score)).to.equal(true);
    const journal = readJournal(result.exercise.journal);
    const rule = 'sirs-auto-config-defense-config-remediation-restricted-ssh';
    for (const phase of ['contain', 'recover'] as const) {
      const met = journal.find((e) => e.type === 'phase.met' && e.phase === phase);
      if (met?.type !== 'phase.met') throw new Error(`${phase} was not met`);
      // Each phase's evidence is the runbook's call, made by SSM Automation as the remediation role.
      const responder = met.evidence.map((e) => e.responder).find((r) => r);
      expect(responder?.kind, phase).to.equal('automation');
      expect(responder?.principal, phase).to.match(
        /^arn:aws:sts::\d{12}:assumed-role\/[^/]*RemediationRole[^/]*\//,
      );
      expect(responder?.chain?.[0], phase).to.equal(`Config rule ${rule}`);
      expect(responder?.chain?.[1], phase).to.match(/^SSM Automation .*RestrictSshRunbook/);
    }
    const report = readFileSync(join(result.exercise.journal, '..', 'report.md'), 'utf8');
    expect(report).to.contain(`Config remediation of rule ${rule}`);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
