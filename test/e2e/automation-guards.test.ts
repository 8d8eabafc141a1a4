/**
 * Drills of the shipped guard defences on the range, nobody responding (--no-autopilot): trail-guard
 * (StopLogging/DeleteTrail → Lambda → UpdateAccessKey + StartLogging) closes cloudtrail-stopped, and
 * public-object-guard (its own data-event trail → PutObject/PutObjectAcl with a public ACL → Lambda →
 * PutObjectAcl private) closes s3-public-object; each phase is met by the automation and the report
 * credits the function's role.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { runDrill, type DrillResult } from '../../src/controller/drill.js';
import type { Responder } from '../../src/controller/model.js';
import { readJournal } from '../../src/exercise/journal.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { leftoversOn, repoRoot } from './helpers.js';

const defense = (name: string): string => join(repoRoot, 'templates', 'defenses', `${name}.cfn.yaml`);

/** Lambda runs a function as assumed-role/<execution role>/<function name>. */
const functionSession = (role: string, fn: string): RegExp =>
  new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/[^/]*${role}[^/]*/[^/]*${fn}[^/]*$`);

describe('e2e: drills of the guard defences (--defenses, --no-autopilot)', function () {
  this.timeout(120_000);
  let range: TestRange;
  let cwd: string;
  before(async () => {
    range = await startTestRange();
    cwd = mkdtempSync(join(tmpdir(), 'sirs-guards-'));
  });
  after(async () => {
    await range.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  function drill(id: string, scenario: string, file: string): Promise<DrillResult> {
    return runDrill({
      scenarios: [scenario],
      target: range.sirsTarget(),
      autopilot: false,
      defenses: [file],
      exerciseId: id,
      // 20× faster: contain's 20-minute target is a minute of clock time, far above the fix's seconds.
      timeScale: 20,
      junitPath: join(cwd, `${id}.xml`),
      resultsPath: join(cwd, `${id}.json`),
      cwd,
      emit: () => {},
      onControllerEvent: () => {},
      signal: new AbortController().signal,
    });
  }

  /** Who met each phase, from the journal. */
  function respondersOf(result: DrillResult): Record<string, Responder | undefined> {
    const out: Record<string, Responder | undefined> = {};
    for (const e of readJournal(result.exercise.journal))
      if (e.type === 'phase.met') out[e.phase] = e.evidence[0]?.responder;
    return out;
  }

  /** What the defence's function logged of its own (its JSON lines), read after the drill. */
  async function functionLog(result: DrillResult): Promise<Array<Record<string, unknown>>> {
    const ready = readJournal(result.exercise.journal).find((e) => e.type === 'defenses.ready');
    const name = ready?.type === 'defenses.ready' ? ready.inventory.functions[0]?.name : undefined;
    const logs = new CloudWatchLogsClient(range.clientConfig());
    const found = await logs.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: '"event"' }),
    );
    logs.destroy();
    return (found.events ?? []).flatMap((e) => {
      const json = /\{.*\}/.exec(e.message ?? '')?.[0];
      return json ? [JSON.parse(json) as Record<string, unknown>] : [];
    });
  }

  function report(result: DrillResult): string {
    return readFileSync(join(result.exercise.journal, '..', 'report.md'), 'utf8');
  }

  it("trail-guard closes cloudtrail-stopped: the intruder's key deactivated and the trail logging again, by the Lambda function's role", async () => {
    const result = await drill('guard-trail', 'cloudtrail-stopped', defense('trail-guard'));
    expect(result.passed, JSON.stringify(result.explanations)).to.equal(true);
    const by = respondersOf(result);
    const session = functionSession('GuardRole', 'GuardFunction');
    expect(by.contain?.kind).to.equal('automation');
    expect(by.contain?.principal).to.match(session);
    expect(by.contain?.chain?.[0]).to.match(/^EventBridge rule .*TrailTamperRule/);
    expect(by.contain?.chain?.at(-1)).to.equal('UpdateAccessKey');
    expect(by.recover?.kind).to.equal('automation');
    expect(by.recover?.principal).to.match(session);
    expect(by.recover?.chain?.at(-1)).to.equal('StartLogging');
    expect(report(result)).to.contain("Closed by the team's automation, Lambda function");
    // The key the intruder used, and only it: the function's own session key is never touched.
    const updates = range.events('UpdateAccessKey').filter((e) => session.test(String(e.userIdentity.arn)));
    expect(updates).to.have.length(1);
    expect(updates[0]?.requestParameters).to.include({ status: 'Inactive' });
    const key = String(updates[0]?.requestParameters?.accessKeyId);
    expect(key).to.match(/^AKIA/);
    // The function's log says what it did.
    const [logged] = await functionLog(result);
    expect(logged).to.deep.include({
      event: 'StopLogging',
      contained: { key, user: updates[0]?.requestParameters?.userName, status: 'Inactive' },
    });
    expect(logged?.recovered).to.deep.include({ restarted: true });
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it("public-object-guard closes s3-public-object: its own trail's data event reaches the rule, the export is private again with its data and the website stays public, by the Lambda function's role", async () => {
    const result = await drill('guard-object', 's3-public-object', defense('public-object-guard'));
    // Passing includes the steady state: the export byte for byte, and the website's page still public.
    expect(result.passed, JSON.stringify(result.explanations)).to.equal(true);
    const by = respondersOf(result);
    const session = functionSession('GuardRole', 'GuardFunction');
    expect(by.contain?.kind).to.equal('automation');
    expect(by.contain?.principal).to.match(session);
    expect(by.contain?.chain?.[0]).to.match(/^EventBridge rule .*PublicObjectRule/);
    // The object ACL call is a data event, absent from LookupEvents: the bucket-level call dates the fix.
    expect(by.contain?.chain?.at(-1)).to.equal('PutBucketPublicAccessBlock');
    expect(report(result)).to.contain("Closed by the team's automation, Lambda function");
    // The object's own ACL was set back: the function says which grant it removed.
    const fixed = (await functionLog(result)).filter((l) => l.removedGrants);
    expect(fixed).to.have.length(1);
    expect(fixed[0]).to.deep.include({
      event: 'PutObject',
      caller: `arn:aws:iam::${range.accountId}:user/range-admin`,
      key: 'exports/customers-2024-q3.csv',
      removedGrants: ['AllUsers:READ'],
      acl: 'private',
      bucketPublicAclsBlocked: true,
    });
    expect(String(fixed[0]?.bucket)).to.match(/-databucket-/);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
