import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_SERVICES } from '../../src/aws/api.js';
import { checkCall, type CallIssue } from '../../src/scenario/api-calls.js';
import { rangeImplements, serviceInputs } from '../../src/scenario/api-models.js';
import { KNOWN_SERVICES } from '../../src/scenario/checks.js';
import { formatProblem } from '../../src/scenario/problem.js';
import { checkScenarioFile, validateScenarios } from '../../src/scenario/validate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

/** `code path: message (hint)`, one line per issue, so a failure shows everything that was found. */
const lines = (issues: CallIssue[]) =>
  issues.map((i) => `${i.code} ${i.path.join('.')}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`);

const sgInput = (permission: Record<string, unknown>) => ({
  GroupId: '{{outputs.WebSgId}}',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ...permission }],
});

describe('API calls: the operation', () => {
  it('accepts a real operation with a correct input, and says nothing more', () => {
    expect(lines(checkCall('ec2:RevokeSecurityGroupIngress', sgInput({})))).to.deep.equal([]);
  });

  it('refuses an unknown operation, suggesting the closest one', () => {
    expect(lines(checkCall('ec2:RevokeSecurityGroupIngres', { GroupId: 'sg-1' }))).to.deep.equal([
      'unknown-operation call: the ec2 API has no operation "RevokeSecurityGroupIngres" (did you mean "RevokeSecurityGroupIngress"?)',
    ]);
  });

  it('leaves malformed calls and unknown services to the schema and to the service check', () => {
    expect(checkCall('ec2.revokeSecurityGroupIngress', {})).to.deep.equal([]);
    expect(checkCall('ecc2:DescribeInstances', {})).to.deep.equal([]);
    expect(checkCall(42, {})).to.deep.equal([]);
  });

  it('knows the services by the prefixes scenarios use: cloudwatch (not monitoring), logs', () => {
    expect(lines(checkCall('cloudwatch:DescribeAlarms', {}))).to.deep.equal([]);
    expect(lines(checkCall('logs:DescribeLogGroups', { limit: 5 }))).to.deep.equal([]);
  });

  it('warns (but does not fail) on an operation the range does not implement', () => {
    // CreateRouteServer is in the EC2 API; RANGE-COVERAGE.md does not list it.
    const issues = checkCall('ec2:CreateRouteServer', { AmazonSideAsn: 65000 });
    expect(issues).to.deep.equal([
      {
        path: ['call'],
        code: 'range-unsupported',
        message: 'the range does not implement ec2:CreateRouteServer, so this scenario can run only on AWS',
        hint: 'RANGE-COVERAGE.md lists the operations the range implements',
        severity: 'warning',
      },
    ]);
    expect(checkCall('ec2:CreateRouteServer', { AmazonSideAsn: 65000 }, { range: false })).to.deep.equal([]);
  });

  it('refuses any input to an operation that takes none', () => {
    expect(lines(checkCall('iam:GetAccountSummary', { MaxItems: 1 }))).to.deep.equal([
      'unknown-input-member input.MaxItems: iam:GetAccountSummary takes no input; "MaxItems" is not a member',
    ]);
    expect(checkCall('iam:GetAccountSummary', undefined)).to.deep.equal([]);
  });
});

describe('API calls: input members', () => {
  it('refuses an unknown member at any depth, with "did you mean"', () => {
    const input = {
      GroupID: 'sg-1',
      IpPermissions: [{ IpProtocol: 'tcp', IpRanges: [{ CidrIP: '0.0.0.0/0' }] }],
    };
    expect(lines(checkCall('ec2:RevokeSecurityGroupIngress', input))).to.deep.equal([
      'unknown-input-member input.GroupID: the input of ec2:RevokeSecurityGroupIngress has no member "GroupID" (did you mean "GroupId"?)',
      'unknown-input-member input.IpPermissions.0.IpRanges.0.CidrIP: IpPermissions[0].IpRanges[0] (IpRange) has no member "CidrIP" (did you mean "CidrIp"?)',
    ]);
  });

  it('lists the members when nothing is close', () => {
    const [issue] = checkCall('iam:UpdateAccessKey', {
      AccessKeyId: 'AKIA1',
      Status: 'Active',
      Colour: 'red',
    });
    expect(issue).to.include({
      code: 'unknown-input-member',
      hint: 'its members: AccessKeyId, Status, UserName',
    });
  });

  it('points at the key of an unknown member', () => {
    const [issue] = checkCall('iam:UpdateAccessKey', {
      AccessKeyId: 'AKIA1',
      Status: 'Active',
      Colour: 'red',
    });
    expect(issue).to.include({ key: true });
  });

  it('requires required members, at the mapping that lacks them or at the call when there is no input', () => {
    expect(lines(checkCall('iam:UpdateAccessKey', { UserName: 'intern' }))).to.deep.equal([
      'missing-input-member input: the input of iam:UpdateAccessKey needs the member "AccessKeyId"',
      'missing-input-member input: the input of iam:UpdateAccessKey needs the member "Status"',
    ]);
    expect(lines(checkCall('iam:UpdateAccessKey', undefined))).to.deep.equal([
      'missing-input-member call: the input of iam:UpdateAccessKey needs the member "AccessKeyId" (add input: { AccessKeyId: ... })',
      'missing-input-member call: the input of iam:UpdateAccessKey needs the member "Status" (add input: { Status: ... })',
    ]);
    // Nested: an S3 tag needs Key and Value.
    expect(
      lines(checkCall('s3:PutBucketTagging', { Bucket: 'b', Tagging: { TagSet: [{ Key: 'k' }] } })),
    ).to.deep.equal([
      'missing-input-member input.Tagging.TagSet.0: Tagging.TagSet[0] (Tag) needs the member "Value"',
    ]);
  });

  it('does not also call a misspelt required member missing', () => {
    expect(lines(checkCall('iam:UpdateAccessKey', { AccesKeyId: 'AKIA1', Status: 'Active' }))).to.deep.equal([
      'unknown-input-member input.AccesKeyId: the input of iam:UpdateAccessKey has no member "AccesKeyId" (did you mean "AccessKeyId"?)',
    ]);
  });
});

describe('API calls: input types', () => {
  const sg = (permission: Record<string, unknown>) =>
    lines(checkCall('ec2:RevokeSecurityGroupIngress', sgInput(permission)));

  it('wants whole numbers for integers and longs', () => {
    expect(sg({ FromPort: '22', ToPort: 22.5 })).to.deep.equal([
      'input-wrong-type input.IpPermissions.0.FromPort: IpPermissions[0].FromPort: expected a whole number, got a string ("22") (write the number without quotes)',
      'input-wrong-type input.IpPermissions.0.ToPort: IpPermissions[0].ToPort: expected a whole number, got the number 22.5',
    ]);
    expect(lines(checkCall('s3:PutObject', { Bucket: 'b', Key: 'k', ContentLength: 1.5 }))).to.deep.equal([
      'input-wrong-type input.ContentLength: ContentLength: expected a whole number, got the number 1.5',
    ]);
  });

  it('takes any number for a double, and only numbers', () => {
    const datum = (Value: unknown) => ({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value }] });
    expect(lines(checkCall('cloudwatch:PutMetricData', datum(1.5)))).to.deep.equal([]);
    expect(lines(checkCall('cloudwatch:PutMetricData', datum(true)))).to.deep.equal([
      'input-wrong-type input.MetricData.0.Value: MetricData[0].Value: expected a number, got true',
    ]);
  });

  it('wants strings for strings, booleans for booleans, with the fix in the hint', () => {
    expect(
      lines(
        checkCall('ec2:CreateTags', {
          Resources: ['sg-1'],
          Tags: [{ Key: 'k', Value: 42 }],
          DryRun: 'false',
        }),
      ),
    ).to.deep.equal([
      'input-wrong-type input.Tags.0.Value: Tags[0].Value: expected a string, got the number 42 (quote it: "42")',
      'input-wrong-type input.DryRun: DryRun: expected true or false, got a string ("false") (write false without quotes)',
    ]);
  });

  it('wants lists for lists and mappings for structures and maps', () => {
    expect(lines(checkCall('ec2:CreateTags', { Resources: 'sg-1', Tags: { Key: 'k' } }))).to.deep.equal([
      'input-wrong-type input.Resources: Resources: expected a list, got a string ("sg-1") (write ["sg-1"])',
      'input-wrong-type input.Tags: Tags: expected a list, got a mapping',
    ]);
    expect(lines(checkCall('s3:PutObject', { Bucket: 'b', Key: 'k', Metadata: ['a'] }))).to.deep.equal([
      'input-wrong-type input.Metadata: Metadata: expected a mapping, got a list',
    ]);
    expect(lines(checkCall('s3:PutObject', { Bucket: 'b', Key: 'k', Metadata: { owner: 7 } }))).to.deep.equal(
      [
        'input-wrong-type input.Metadata.owner: Metadata.owner: expected a string, got the number 7 (quote it: "7")',
      ],
    );
  });

  it('takes a timestamp as an ISO 8601 string or as seconds since 1970', () => {
    const at = (Timestamp: unknown) => ({ Namespace: 'N', MetricData: [{ MetricName: 'M', Timestamp }] });
    expect(lines(checkCall('cloudwatch:PutMetricData', at('2024-05-01T12:00:00Z')))).to.deep.equal([]);
    expect(lines(checkCall('cloudwatch:PutMetricData', at(1714564800)))).to.deep.equal([]);
    expect(lines(checkCall('cloudwatch:PutMetricData', at('yesterday')))).to.deep.equal([
      'input-wrong-type input.MetricData.0.Timestamp: MetricData[0].Timestamp: expected a date and time (ISO 8601, like 2024-05-01T12:00:00Z) or seconds since 1970, got a string ("yesterday")',
    ]);
  });

  it('takes a string for a blob (the SDK encodes it)', () => {
    expect(lines(checkCall('s3:PutObject', { Bucket: 'b', Key: 'k', Body: 'hello' }))).to.deep.equal([]);
    expect(lines(checkCall('kms:Encrypt', { KeyId: 'k', Plaintext: ['x'] }))).to.deep.equal([
      'input-wrong-type input.Plaintext: Plaintext: expected a string, got a list',
    ]);
  });

  it('checks enum values, suggesting the closest, and names a long enum instead of listing it', () => {
    expect(
      lines(checkCall('iam:UpdateAccessKey', { AccessKeyId: 'AKIA1', Status: 'Inactiv' })),
    ).to.deep.equal([
      'input-invalid-value input.Status: Status: must be one of Active, Expired, Inactive; got a string ("Inactiv") (did you mean "Inactive"?)',
    ]);
    const [issue] = checkCall('ec2:CreateSecurityGroup', {
      GroupName: 'g',
      Description: 'd',
      TagSpecifications: [{ ResourceType: 'security-groups' }],
    });
    expect(issue).to.include({ code: 'input-invalid-value', hint: 'did you mean "security-group"?' });
    expect(issue!.message).to.match(
      /^TagSpecifications\[0\]\.ResourceType: must be one of the \d+ ResourceType values;/,
    );
  });

  it('checks enum keys of maps', () => {
    // CloudTrail's ListInsightsData takes Dimensions: a map keyed by ListInsightsDataDimensionKey.
    const issues = checkCall('cloudtrail:ListInsightsData', {
      InsightSource: 'arn',
      DataType: 'InsightsEvents',
      Dimensions: { EventId: 'e', Colour: 'red' },
    }).filter((i) => i.severity !== 'warning');
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ code: 'input-invalid-value', key: true });
    expect(issues[0]!.path).to.deep.equal(['input', 'Dimensions', 'Colour']);
  });

  it('accepts a placeholder wherever a string, number, boolean, timestamp or enum is expected', () => {
    expect(sg({ FromPort: '{{outputs.Port}}', ToPort: 'port {{outputs.Port}}' })).to.deep.equal([]);
    expect(
      lines(checkCall('iam:UpdateAccessKey', { AccessKeyId: '{{outputs.Key}}', Status: '{{outputs.S}}' })),
    ).to.deep.equal([]);
    expect(
      lines(
        checkCall('ec2:CreateTags', { Resources: ['{{outputs.Sg}}'], Tags: [], DryRun: '{{outputs.B}}' }),
      ),
    ).to.deep.equal([]);
  });

  it('does not accept a placeholder for a list or a structure (it would become a string)', () => {
    expect(lines(checkCall('ec2:CreateTags', { Resources: '{{outputs.Sg}}', Tags: [] }))).to.deep.equal([
      'input-wrong-type input.Resources: Resources: expected a list, got a string ("{{outputs.Sg}}") (write ["{{outputs.Sg}}"])',
    ]);
  });

  it('wants exactly one member of a union', () => {
    const alarm = (EvaluationCriteria: unknown) => ({
      AlarmName: 'a',
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationCriteria,
    });
    expect(lines(checkCall('cloudwatch:PutMetricAlarm', alarm({})))).to.deep.equal([
      'input-union input.EvaluationCriteria: EvaluationCriteria takes exactly one of PromQLCriteria; none is given',
    ]);
  });

  it('rejects null where a value is expected', () => {
    expect(lines(checkCall('iam:UpdateAccessKey', { AccessKeyId: null, Status: 'Active' }))).to.deep.equal([
      'input-wrong-type input.AccessKeyId: AccessKeyId: expected a string, got nothing (null)',
    ]);
  });
});

describe('API calls: the derived models', () => {
  it('has input shapes for every service sirs can call, named as scenarios name them', () => {
    expect([...API_SERVICES].sort()).to.deep.equal([...KNOWN_SERVICES].sort());
    for (const service of KNOWN_SERVICES) {
      const inputs = serviceInputs(service);
      expect(inputs, `models/inputs/${service}.json (npm run models)`).not.to.equal(undefined);
      expect(Object.keys(inputs!.operations).length, service).to.be.greaterThan(5);
    }
  });

  it('takes its operations from the SDK client that makes the calls: one per command', async () => {
    const sts = (await import('@aws-sdk/client-sts')) as Record<string, unknown>;
    const commands = Object.keys(sts)
      .filter((k) => /^[A-Z]\w*Command$/.test(k))
      .map((k) => k.slice(0, -'Command'.length))
      .sort();
    expect(Object.keys(serviceInputs('sts')!.operations).sort()).to.deep.equal(commands);
  });

  it('knows every operation RANGE-COVERAGE.md lists as implemented, as an operation of its service', () => {
    const text = readFileSync(new URL('../../RANGE-COVERAGE.md', import.meta.url), 'utf8');
    const sections = [...text.matchAll(/^## ([a-z0-9]+) \(.*\n\n(.*)$/gm)];
    expect(sections.length).to.equal(15);
    for (const [, rangeName, list] of sections) {
      const service = rangeName === 'monitoring' ? 'cloudwatch' : rangeName!;
      const ops = [...list!.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      expect(ops.length, service).to.be.greaterThan(0);
      for (const op of ops) {
        expect(serviceInputs(service)!.operations, `${service}:${op}`).to.have.property(op);
        expect(rangeImplements(service, op), `${service}:${op}`).to.equal(true);
      }
    }
    expect(rangeImplements('ec2', 'CreateRouteServer')).to.equal(false);
  });
});

describe('API calls in a scenario file', () => {
  let dir: string;
  const good = join(corpus, 'good');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-api-calls-'));
    for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(dir, d));
    copyFileSync(join(good, 'templates', 'iam-user.cfn.json'), join(dir, 'templates', 'iam-user.cfn.json'));
    copyFileSync(join(good, 'runbooks', 'generic.md.hbs'), join(dir, 'runbooks', 'generic.md.hbs'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = readFileSync(join(good, 'scenarios', 'json-template.yaml'), 'utf8');
  const write = (id: string, text: string) => {
    writeFileSync(join(dir, 'scenarios', `${id}.yaml`), text.replace('id: json-template', `id: ${id}`));
    return join(dir, 'scenarios', `${id}.yaml`);
  };
  /** `line:col` (1-based) of the first `needle` in `text`. */
  const at = (text: string, needle: string) => {
    const before = text.slice(0, text.indexOf(needle)).split('\n');
    return `${before.length}:${before[before.length - 1]!.length + 1}`;
  };

  it('keeps a file with only warnings valid, and counts warnings apart from problems', () => {
    const text = base
      .replace('call: iam:ListAccessKeys', 'call: iam:GetAccountProperties')
      .replace("input: { UserName: '{{outputs.UserName}}' }\n      as: default", 'as: default');
    const file = write('range-gap', text);
    const report = validateScenarios([file], { cwd: dir, root: dir });
    expect(report.valid).to.equal(true);
    expect(report.summary).to.deep.equal({ files: 1, valid: 1, invalid: 0, problems: 0, warnings: 1 });
    const [problem] = report.files[0]!.problems;
    expect(problem).to.include({
      code: 'range-unsupported',
      severity: 'warning',
      path: 'inject.actions[1].call',
    });
    expect(formatProblem(problem!)).to.equal(
      `scenarios/range-gap.yaml:${at(text, 'iam:GetAccountProperties')}: warning: the range does not implement iam:GetAccountProperties, so this scenario can run only on AWS (RANGE-COVERAGE.md lists the operations the range implements)`,
    );
    // A valid file loads: warnings do not stop a run.
    expect(checkScenarioFile(file, { cwd: dir }).scenario?.id).to.equal('range-gap');
  });

  it('marks every problem of a report with its severity, errors by default', () => {
    const text = base.replace('Status: Inactive', 'Status: Inactiv');
    const file = write('status-typo', text);
    const report = validateScenarios([file], { cwd: dir, root: dir });
    expect(report.valid).to.equal(false);
    expect(report.summary).to.deep.equal({ files: 1, valid: 0, invalid: 1, problems: 1, warnings: 0 });
    const [problem] = report.files[0]!.problems;
    expect(problem).to.include({
      code: 'input-invalid-value',
      severity: 'error',
      path: 'autopilot[0].input.Status',
    });
    expect(`${problem!.line}:${problem!.col}`).to.equal(at(text, 'Inactiv'));
  });

  it('checks autopilot call steps, not ack steps', () => {
    const text = base.replace(
      'autopilot:\n',
      'autopilot:\n  - at: 30s\n    ack: { finding: intern-key, resource: x }\n  - at: 40s\n    call: iam:UpdateAccessKeys\n',
    );
    const file = write('autopilot-calls', text);
    const problems = validateScenarios([file], { cwd: dir, root: dir }).files[0]!.problems;
    expect(problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.hint}`)).to.deep.equal([
      `${at(text, 'iam:UpdateAccessKeys')} unknown-operation did you mean "UpdateAccessKey"?`,
    ]);
  });
});
