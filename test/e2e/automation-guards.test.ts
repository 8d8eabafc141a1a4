/**
 * Drills of the shipped guard defences on the range, nobody responding (--no-autopilot): trail-guard
 * (StopLogging/DeleteTrail → Lambda → UpdateAccessKey + StartLogging) closes cloudtrail-stopped, and
 * public-object-guard (its own data-event trail → PutObject/PutObjectAcl with a public ACL → Lambda →
 * PutObjectAcl private) closes s3-public-object; each phase is met by the automation and the report
 * credits the function's role. A DeleteTrail call (no drill: no scenario deletes a trail) shows the
 * other branch of trail-guard: the key is contained, and the function says the trail must be recreated.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, CreateTrailCommand, DeleteTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { DrillResult } from '../../src/controller/drill.js';
import type { Responder } from '../../src/controller/model.js';
import { readJournal } from '../../src/exercise/journal.js';
import { lambdaRunsSettled } from '../../src/range/services/lambda/index.js';
import { trailBucket } from '../range/config-fixtures.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { drillOfAutomation, leftoversOn, repoRoot } from './helpers.js';

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

  const drill = (id: string, scenario: string, defense: string): Promise<DrillResult> =>
    drillOfAutomation({ target: range.sirsTarget(), scenario, defense, id, cwd });

  /** Who met each phase, from the journal. */
  function respondersOf(result: DrillResult): Record<string, Responder | undefined> {
    const out: Record<string, Responder | undefined> = {};
    for (const e of readJournal(result.exercise.journal))
      if (e.type === 'phase.met') out[e.phase] = e.evidence[0]?.responder;
    return out;
  }

  /** What the defence's function logged of its own (its JSON lines), read after the drill. */
  async function functionLog(of: DrillResult | string): Promise<Array<Record<string, unknown>>> {
    const ready =
      typeof of === 'string'
        ? undefined
        : readJournal(of.exercise.journal).find((e) => e.type === 'defenses.ready');
    const name =
      typeof of === 'string'
        ? of
        : ready?.type === 'defenses.ready'
          ? ready.inventory.functions[0]?.name
          : '';
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
    // The rule let only the export through: the website's page was written without an ACL.
    const fixed = await functionLog(result);
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

  it('trail-guard on DeleteTrail: the key that deleted the trail is deactivated, and the log says the trail must be recreated', async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const iam = new IAMClient(range.clientConfig());
    await cfn.send(
      new CreateStackCommand({
        StackName: 'trail-guard',
        TemplateBody: readFileSync(defense('trail-guard'), 'utf8'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    let stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'trail-guard' }))).Stacks?.[0];
    for (let i = 0; i < 400 && stack?.StackStatus?.endsWith('_IN_PROGRESS'); i++) {
      await new Promise((r) => setTimeout(r, 25));
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'trail-guard' }))).Stacks?.[0];
    }
    expect(stack?.StackStatus, stack?.StackStatusReason).to.equal('CREATE_COMPLETE');
    const fn = stack?.Outputs?.find((o) => o.OutputKey === 'FunctionName')?.OutputValue ?? '';

    await trailBucket(range, 'guard-trail-logs');
    await new CloudTrailClient(range.clientConfig()).send(
      new CreateTrailCommand({ Name: 'audit', S3BucketName: 'guard-trail-logs' }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'deployer',
        PolicyName: 'trails',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'cloudtrail:DeleteTrail', Resource: '*' }],
        }),
      }),
    );
    const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
    const asDeployer = new CloudTrailClient(
      range.clientConfig({
        credentials: { accessKeyId: key?.AccessKeyId, secretAccessKey: key?.SecretAccessKey },
      }),
    );
    await asDeployer.send(new DeleteTrailCommand({ Name: 'audit' }));
    // On the system clock the function starts once EventBridge has delivered the event (a timer after
    // the DeleteTrail answer): wait for its log line, then for its run to end.
    for (let i = 0; (await functionLog(fn).catch(() => [])).length === 0; i++) {
      if (i > 600) throw new Error(`${fn} never logged a run`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await lambdaRunsSettled(range.engine.info);

    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'deployer' }));
    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).to.deep.equal([
      [key?.AccessKeyId, 'Inactive'],
    ]);
    const [logged] = await functionLog(fn);
    expect(logged).to.deep.include({
      event: 'DeleteTrail',
      contained: { key: key?.AccessKeyId, user: 'deployer', status: 'Inactive' },
      recovered: {
        trail: 'audit',
        restarted: false,
        reason: 'the trail was deleted: recreate it from its stack',
      },
    });

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'deployer', AccessKeyId: key?.AccessKeyId }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'deployer', PolicyName: 'trails' }));
    await iam.send(new DeleteUserCommand({ UserName: 'deployer' }));
    await cfn.send(new DeleteStackCommand({ StackName: 'trail-guard' }));
    for (const c of [cfn, iam, asDeployer]) c.destroy();
  });
});
