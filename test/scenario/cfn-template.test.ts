import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { readCfnTemplate } from '../../src/scenario/cfn-template.js';

describe('CloudFormation templates', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'sirs-cfn-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const read = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return readCfnTemplate(join(dir, name), name);
  };

  it('reads parameters (with defaults and allowed values), outputs and resource types', () => {
    const { template, problems } = read(
      't.yaml',
      [
        'Parameters:',
        '  A: { Type: String }',
        '  B: { Type: Number, Default: 3, AllowedValues: [1, 3] }',
        'Resources:',
        '  Sg: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: x } }',
        'Outputs:',
        '  SgId: { Value: !GetAtt Sg.GroupId }',
      ].join('\n'),
    );
    expect(problems).to.deep.equal([]);
    expect([...template!.parameters.values()]).to.deep.equal([
      { name: 'A', type: 'String', hasDefault: false, allowedValues: undefined },
      { name: 'B', type: 'Number', hasDefault: true, allowedValues: ['1', '3'] },
    ]);
    expect([...template!.outputs]).to.deep.equal(['SgId']);
    expect(template!.resources.get('Sg')).to.deep.equal({
      type: 'AWS::EC2::SecurityGroup',
      properties: { GroupDescription: 'x' },
    });
  });

  it('understands the short-form tags in scalar, sequence and mapping form, and JSON', () => {
    const yaml = read(
      'tags.yaml',
      [
        'Resources:',
        '  R:',
        '    Type: AWS::S3::Bucket',
        '    Properties:',
        '      A: !Ref X',
        '      B: !GetAtt Res.Attr.Nested',
        '      C: !Sub [ "${x}", { x: !Ref Y } ]',
        '      D: !Join',
        '        - ","',
        '        - [a, !Select [0, !GetAZs ""]]',
        '      E: !If [Cond, !Base64 { "Fn::Sub": s }, !ImportValue shared]',
        '      F: !Equals [!Condition C1, !Not [!And [!Or [a, b], !Cidr [c, 2, 8]]]]',
        '      G: !FindInMap [M, k, !Split [",", "a,b"]]',
      ].join('\n'),
    );
    expect(yaml.problems).to.deep.equal([]);
    expect(yaml.template!.resources.get('R')!.properties).to.deep.equal({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['Res', 'Attr.Nested'] },
      C: { 'Fn::Sub': ['${x}', { x: { Ref: 'Y' } }] },
      D: { 'Fn::Join': [',', ['a', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }]] },
      E: { 'Fn::If': ['Cond', { 'Fn::Base64': { 'Fn::Sub': 's' } }, { 'Fn::ImportValue': 'shared' }] },
      F: {
        'Fn::Equals': [
          { Condition: 'C1' },
          { 'Fn::Not': [{ 'Fn::And': [{ 'Fn::Or': ['a', 'b'] }, { 'Fn::Cidr': ['c', 2, 8] }] }] },
        ],
      },
      G: { 'Fn::FindInMap': ['M', 'k', { 'Fn::Split': [',', 'a,b'] }] },
    });
    const json = read(
      't.json',
      '{ "Resources": { "R": { "Type": "AWS::S3::Bucket" } }, "Outputs": { "N": { "Value": { "Ref": "R" } } } }',
    );
    expect(json.problems).to.deep.equal([]);
    expect([...json.template!.outputs]).to.deep.equal(['N']);
  });

  it('says what is wrong with a file that is not a template, at its line', () => {
    const { template, problems } = read('k8s.yaml', 'apiVersion: v1\nkind: Pod\n');
    expect(template).to.equal(undefined);
    expect(problems.map((p) => [p.code, p.line])).to.deep.equal([['template-not-cloudformation', 1]]);
    const tag = read(
      'tag.yaml',
      'Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties: { A: !Reff X }\n',
    );
    expect(tag.problems.map((p) => `${p.code} ${p.line}:${p.col} ${p.message}`)).to.deep.equal([
      'unknown-tag 4:22 unknown tag !Reff',
    ]);
  });

  describe('shipped templates pass cfn-lint', () => {
    const templatesDir = join(packageRoot(), 'templates');
    const defensesDir = join(templatesDir, 'defenses');
    const templates = [
      ...readdirSync(templatesDir).filter((f) => /\.(ya?ml|json)$/.test(f)),
      ...readdirSync(defensesDir)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .map((f) => `defenses/${f}`),
    ];
    const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    const hasLint = !probe.error && probe.status === 0;
    if (!hasLint) console.log('    (cfn-lint is not installed: skipping the cfn-lint check of templates/)');
    // One cfn-lint run for all of them (its start-up is most of the time), read back per file.
    let findings = '';
    before(function () {
      if (!hasLint) return;
      this.timeout(120_000);
      const r = spawnSync(
        'cfn-lint',
        ['--format', 'parseable', ...templates.map((t) => join(templatesDir, t))],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0 && !r.stdout) throw new Error(`cfn-lint failed: ${r.stderr}`);
      findings = r.stdout;
    });

    it('there is at least one template', () => expect(templates).not.to.be.empty);
    for (const t of templates) {
      (hasLint ? it : it.skip)(`${t} is clean`, () => {
        const path = join(templatesDir, t);
        const mine = findings.split('\n').filter((l) => l.startsWith(`${path}:`));
        expect(mine, mine.join('\n')).to.deep.equal([]);
      });
    }
  });
});
