import { expect } from 'chai';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { EC2Client, CreateTagsCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { ApiSession } from '../../src/aws/api.js';
import { writeAck } from '../../src/controller/channel.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import { readJournal } from '../../src/exercise/journal.js';
import { startExercise, type LivePhase, type StartOptions } from '../../src/exercise/run.js';
import { makeReport } from '../../src/report/make.js';
import { repoRoot } from '../e2e/helpers.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { expectTablesIntact, expectValidJsonReport } from './helpers.js';

const catalogFixture = join(repoRoot, 'test', 'report', 'fixtures', 'catalog');
const SCRIPT = '<script>alert(1)</script>';
const LINK = '](javascript:alert(1))';
const CTOR = '{{constructor}}';
const LONG = `${'L'.repeat(9_990)} end-of-line`;

function scratch(): { cwd: string; catalog: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'sirs-report-'));
  const catalog = join(cwd, 'catalog');
  cpSync(catalogFixture, catalog, { recursive: true });
  return { cwd, catalog };
}

/** fast-ssh with its scenario text made hostile (placeholders aside: `{{` is the scenario's own syntax). */
function hostileScenario(catalog: string): string {
  const src = join(repoRoot, 'test', 'e2e', 'fixtures');
  cpSync(join(src, 'templates', 'fast-ssh.cfn.yaml'), join(catalog, 'templates', 'fast-ssh.cfn.yaml'));
  const q = (s: string) => JSON.stringify(s);
  const yaml = readFileSync(join(src, 'scenarios', 'fast-ssh.yaml'), 'utf8')
    .replace(/^title: .*$/m, `title: ${q(`SSH ${SCRIPT} open [x${LINK}`)}`)
    .replace(/^summary: .*$/m, `summary: ${q(`${SCRIPT} ${LINK} | a | cell |\n${LONG}`)}`)
    .replace(/^control: .*$/m, `control: ${q(`<img src=x onerror=alert(1)> "quoted" 'single' ${LINK}`)}`)
    .replace(
      /text: CloudTrail records every AuthorizeSecurityGroupIngress call\./,
      `text: ${q(`${SCRIPT} ${LINK} ${LONG}`)}`,
    )
    .replace(/^runbook:\n( {2}.*\n)+/m, 'runbook: report-test\n')
    .concat(`detections:\n  - { title: ${q(SCRIPT)}, how: ${q(`${LINK} | ${LONG}`)} }\n`);
  const file = join(catalog, 'scenarios', 'fast-ssh.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** An EC2 client whose user agent is exactly `ua` (the SDK would sanitise a custom one). */
function ec2WithUserAgent(range: TestRange, ua: string): EC2Client {
  const client = new EC2Client(range.clientConfig());
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['user-agent'] = ua;
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'hostileUserAgent' },
  );
  return client;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('after-action reports of whole exercises on the range', function () {
  this.timeout(180_000);
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };

  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());
  beforeEach(() => {
    dirs = scratch();
    process.env.SIRS_STATE_DIR = join(dirs.cwd, '.sirs');
  });
  afterEach(() => {
    delete process.env.SIRS_STATE_DIR;
    rmSync(dirs.cwd, { recursive: true, force: true });
  });

  function options(over: Partial<StartOptions> & { live: LivePhase }): StartOptions {
    return {
      scenarios: [],
      target: { target: 'range', ...range.sirsTarget() },
      cwd: dirs.cwd,
      emit: () => {},
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 50,
      autopilot: true,
      ...over,
    };
  }

  it('escapes hostile names, ack notes, tags, user agents and scenario text in HTML and Markdown', async () => {
    const scenario = hostileScenario(dirs.catalog);
    writeFileSync(
      join(dirs.cwd, 'sirs.config.yaml'),
      `tags: { team: ${JSON.stringify(`${SCRIPT}`)}, note: ${JSON.stringify(`${CTOR}${LINK}`)} }\n`,
    );
    const hostileUa = `${SCRIPT} ${CTOR} ${LINK} ${LONG}`;
    const live = controllerLivePhase({ tickMs: 250, onEvent: () => {} });
    const result = await startExercise(
      options({
        scenarios: [scenario],
        exerciseId: 'hostile-1',
        live: async (ctx) => {
          const running = live(ctx);
          const group = ctx.outputs['fast-ssh']!.WebSgId!;
          // A responder with a hostile user agent looks at the group and tags it.
          const ec2 = ec2WithUserAgent(range, hostileUa);
          await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }));
          await ec2.send(
            new CreateTagsCommand({ Resources: [group], Tags: [{ Key: `${CTOR}x`, Value: SCRIPT }] }),
          );
          ec2.destroy();
          // ... and declares a wrong finding with a hostile resource and note (as `sirs ack` would).
          const acker = new ApiSession({
            ...range.clientConfig(),
            customUserAgent: [
              ['exercise', 'hostile-1'],
              ['ack', '1'],
            ],
          });
          await writeAck(acker, 'hostile-1', {
            finding: 'ssh-exposure',
            resource: `${SCRIPT}${LINK}${CTOR}`,
            note: `${SCRIPT} ${CTOR} ${LINK} | ${LONG}`,
          });
          acker.destroy();
          return running;
        },
      }),
    );
    expect(result.error).to.equal(undefined);
    expect(result.reports.map((f) => f.split('/').at(-1))).to.deep.equal([
      'report.md',
      'report.html',
      'report.json',
    ]);
    const folder = join(dirs.cwd, '.sirs', 'exercises', 'hostile-1');
    for (const f of ['report.md', 'report.html', 'report.json', 'activity.jsonl', 'journal.jsonl'])
      expect(statSync(join(folder, f)).mode & 0o777, f).to.equal(0o600);
    const journal = readJournal(result.journal);
    expect(journal.find((e) => e.type === 'ack.received' && e.wrong.length)).to.not.equal(undefined);

    // Notes from the facilitator, as hostile as the rest.
    const notes = join(dirs.cwd, 'notes.md');
    writeFileSync(
      notes,
      `## Lessons learned\n\n${SCRIPT}\n\n[click me${LINK}\n\n[ref]: javascript:alert(1)\n\n<javascript:alert(1)>\n\n## Action items\n\n- ${CTOR} ${LONG}\n- [a safe link](https://example.com/runbook)\n`,
    );
    const md = (await makeReport({ exerciseId: 'hostile-1', format: 'md', notes, cwd: dirs.cwd })).text!;
    const html = (await makeReport({ exerciseId: 'hostile-1', format: 'html', notes, cwd: dirs.cwd })).text!;
    const json = readFileSync(join(folder, 'report.json'), 'utf8');
    expectValidJsonReport(json);

    for (const [name, text] of [
      ['md', md],
      ['html', html],
      ['report.md', readFileSync(join(folder, 'report.md'), 'utf8')],
      ['report.html', readFileSync(join(folder, 'report.html'), 'utf8')],
    ] as const) {
      // Nothing from outside became markup: no script, no handler, no javascript: link.
      expect(text, name).not.to.match(/<script/i);
      expect(text, name).not.to.match(/<img/i);
      expect(text, name).not.to.match(/<[^>]*\son\w+\s*=/i);
      if (name.endsWith('md')) {
        // In Markdown, no raw HTML at all, and no link whose destination is javascript:.
        expect(text, name).not.to.match(/<(?!\/?(br|hr)\b)[a-z!/?]/i);
        expect(text, name).not.to.match(/(?<!\\)\]\(\s*javascript:/i);
        expect(text, name).not.to.match(/^\s{0,3}\[[^\]]*\]:\s*javascript:/im);
      }
      expect(text, name).not.to.match(/href\s*=\s*["']?\s*javascript:/i);
      expect(text, name).not.to.match(/<javascript:/i);
      // Handlebars did not evaluate what looked like a template.
      expect(text, name).not.to.match(/function Object\(\)|\[native code\]/);
      // A 10,000-character value is cut, saying so; only the facilitator's own notes are kept whole.
      const beforeNotes = text.slice(0, text.search(/Lessons learned<\/h2>|## Lessons learned/));
      expect(beforeNotes, name).not.to.contain('L'.repeat(600));
      expect(text, name).to.match(/… \\?\(\d+ more characters\\?\)/);
    }
    // The values are there, shown as text.
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.contain('{{constructor}}');
    expect(html).to.contain(
      '<a href="https://example.com/runbook" rel="noopener noreferrer">a safe link</a>',
    );
    expect(
      [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]).every((h) => /^(#|https:\/\/)/.test(h!)),
    ).to.equal(true);
    expect(md).to.contain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(md).to.contain('\\{\\{constructor\\}\\}');
    expect(md).to.contain('[a safe link](https://example.com/runbook)');
    expectTablesIntact(md);
    // The wrong identification and the hostile responder's calls made it into the report.
    expect(md).to.match(/Wrong identification at [^|]*ssh-exposure on &lt;script&gt;/);
    expect(md).to.match(/DescribeSecurityGroups/);
  });

  it('--refresh re-reads CloudTrail and re-dates a phase a probe dated, as new journal entries', async () => {
    cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'templates'), join(dirs.catalog, 'templates'), {
      recursive: true,
    });
    const scenario = join(dirs.catalog, 'scenarios', 'fast-ssh.yaml');
    writeFileSync(
      scenario,
      readFileSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'scenarios', 'fast-ssh.yaml'), 'utf8')
        .replace(/^runbook:\n( {2}.*\n)+/m, 'runbook: report-test\n')
        // The bastion rule comes well after the revoke, so the two calls never share a CloudTrail second.
        .replace(/- at: 5s\n(\s+call: ec2:AuthorizeSecurityGroupIngress)/, '- at: 12s\n$1'),
    );
    const result = await startExercise(
      options({
        scenarios: [scenario],
        exerciseId: 'refresh-1',
        live: controllerLivePhase({ tickMs: 250, onEvent: () => {} }),
      }),
    );
    expect(result.error).to.equal(undefined);
    // As on AWS when CloudTrail was late: the controller saw the fix with its probe, a second later.
    const lines = readFileSync(result.journal, 'utf8').trimEnd().split('\n');
    const contain = lines.findIndex(
      (l) => l.includes('"type":"phase.met"') && l.includes('"phase":"contain"'),
    );
    const entry = JSON.parse(lines[contain]!) as { atMs: number; evidence: Array<Record<string, unknown>> };
    // The probe saw the change half a second after CloudTrail's time of the revoke (whole seconds), so
    // however late a loaded machine ran the steps, the revoke is the last change before the probe.
    const revokes = (await range.aws([
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=RevokeSecurityGroupIngress',
    ])) as { Events: Array<{ CloudTrailEvent: string }> };
    // The range is shared with the other tests here: this exercise's autopilot made one successful revoke.
    const revoke = revokes.Events.map(
      (e) => JSON.parse(e.CloudTrailEvent) as { eventTime: string; userAgent: string; errorCode?: string },
    ).filter((r) => !r.errorCode && r.userAgent.includes('exercise/refresh-1'));
    expect(revoke).to.have.length(1);
    const revokedMs = Date.parse(revoke[0]!.eventTime);
    const probeAt = new Date(revokedMs + 500).toISOString();
    entry.evidence = [{ summary: 'port 22 closed (seen by the probe)', source: 'probe', at: probeAt }];
    entry.atMs += 1500;
    lines[contain] = JSON.stringify(entry);
    writeFileSync(result.journal, `${lines.join('\n')}\n`);
    const before = readJournal(result.journal).length;

    // `sirs report --refresh` reads the range's CloudTrail with the keys `sirs range start` printed.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = range.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = range.credentials.secretAccessKey;
    try {
      const r = await makeReport({ exerciseId: 'refresh-1', format: 'md', refresh: true, cwd: dirs.cwd });
      expect(r.refresh!.redated.map((d) => [d.scenario, d.phase, d.eventName])).to.deep.equal([
        ['fast-ssh', 'contain', 'RevokeSecurityGroupIngress'],
      ]);
      const added = readJournal(result.journal)
        .slice(before)
        .map((e) => e.type);
      expect(added).to.deep.equal(['activity.recorded', 'evidence.redated', 'reports.written']);
      // CloudFormation's calls while deleting sirs' stack are the teardown's, not a responder's.
      const activity = readFileSync(
        join(dirs.cwd, '.sirs', 'exercises', 'refresh-1', 'activity.jsonl'),
        'utf8',
      );
      expect(activity).to.contain('RevokeSecurityGroupIngress');
      expect(activity).not.to.match(/"eventName":"Delete(Vpc|SecurityGroup|Subnet)"/);
      expect(r.text).to.match(/CloudTrail says/);
      // The score keeps the journaled time; the report shows what the event's time would give.
      const doc = r.report as { exercise: { score: { total: number }; rescored?: { total: number } } };
      expect(doc.exercise.rescored).to.not.equal(undefined);
      expect(readFileSync(join(dirs.cwd, '.sirs', 'exercises', 'refresh-1', 'report.md'), 'utf8')).to.match(
        /CloudTrail says/,
      );
      // Nothing more to re-date the second time.
      const again = await makeReport({
        exerciseId: 'refresh-1',
        format: 'json',
        refresh: true,
        cwd: dirs.cwd,
      });
      expect(again.refresh!.redated).to.deep.equal([]);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('no secret of any access key created during the exercise reaches a file in its folder', async () => {
    const secrets = new Set<string>();
    const original = ApiSession.prototype.call;
    const collect = (v: unknown, depth = 0): void => {
      if (depth > 10 || !v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (/secretaccesskey|sessiontoken/i.test(k) && typeof x === 'string') secrets.add(x);
        else collect(x, depth + 1);
      }
    };
    // Every key created through sirs' API sessions (inject actions, temporary keys, the responder below).
    const spy = sinon.stub(ApiSession.prototype, 'call').callsFake(async function (
      this: ApiSession,
      ...args
    ) {
      const out = await original.apply(this, args);
      collect(out);
      return out;
    });
    try {
      const live = controllerLivePhase({ tickMs: 250, onEvent: () => {} });
      const result = await startExercise(
        options({
          scenarios: [join(dirs.catalog, 'scenarios', 'leaky-key.yaml')],
          exerciseId: 'leaky-1',
          live: async (ctx) => {
            const running = live(ctx);
            // A responder makes a key for the intern and uses it.
            const user = ctx.outputs['leaky-key']!.UserName!;
            const admin = new ApiSession(range.clientConfig());
            const made = (await admin.call('iam:CreateAccessKey', { UserName: user })).AccessKey as {
              AccessKeyId: string;
              SecretAccessKey: string;
            };
            const asIntern = new ApiSession(
              range.clientConfig({
                credentials: { accessKeyId: made.AccessKeyId, secretAccessKey: made.SecretAccessKey },
              }),
            );
            await asIntern.call('sts:GetCallerIdentity', {});
            for (const s of [admin, asIntern]) s.destroy();
            return running;
          },
        }),
      );
      expect(result.error, JSON.stringify(result.error)).to.equal(undefined);
      expect(result.score!.total).to.be.greaterThan(0);
      await makeReport({
        exerciseId: 'leaky-1',
        format: 'html',
        out: join(dirs.cwd, '.sirs', 'exercises', 'leaky-1', 'extra.html'),
        cwd: dirs.cwd,
      });
    } finally {
      spy.restore();
    }
    // The inject action's key, the temporary key sirs made to call as the user, the responder's key.
    expect(secrets.size).to.be.greaterThanOrEqual(3);
    const files = filesUnder(join(dirs.cwd, '.sirs', 'exercises', 'leaky-1'));
    expect(files.map((f) => f.split('/').at(-1))).to.include.members([
      'journal.jsonl',
      'activity.jsonl',
      'report.md',
      'report.html',
      'report.json',
      'leaky-key.md',
      'extra.html',
    ]);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${f} contains a secret`).to.equal(false);
    }
    // The responder's key is in the activity by its id (not a secret), with the calls made with it.
    const activity = readFileSync(join(dirs.cwd, '.sirs', 'exercises', 'leaky-1', 'activity.jsonl'), 'utf8');
    expect(activity).to.contain('CreateAccessKey');
    mkdirSync(join(dirs.cwd, 'unused'), { recursive: true });
  });
});
