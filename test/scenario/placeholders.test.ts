import { expect } from 'chai';
import {
  isPlaceholderOnly,
  parsePlaceholder,
  scanPlaceholders,
  substitutePlaceholders,
} from '../../src/scenario/placeholders.js';

describe('placeholders', () => {
  it('finds each {{...}} with its offsets, tolerating spaces inside', () => {
    const scan = scanPlaceholders('sg {{outputs.WebSgId}} in {{ region }}');
    expect(scan.tokens).to.deep.equal([
      { expr: 'outputs.WebSgId', start: 3, end: 22 },
      { expr: 'region', start: 26, end: 38 },
    ]);
    expect(scan.unclosedAt).to.equal(undefined);
  });

  it('reports where an unclosed {{ starts', () => {
    expect(scanPlaceholders('ok {{region}} then {{outputs.X').unclosedAt).to.equal(19);
  });

  it('accepts outputs of the template and the fixed names', () => {
    const outputs = new Set(['WebSgId']);
    expect(parsePlaceholder('outputs.WebSgId', outputs)).to.deep.equal({
      ok: true,
      ref: { kind: 'output', name: 'WebSgId' },
    });
    for (const name of ['exercise.id', 'account.id', 'region']) {
      expect(parsePlaceholder(name, outputs)).to.deep.equal({ ok: true, ref: { kind: name } });
    }
  });

  it('rejects an output the template does not declare, with a did-you-mean', () => {
    const r = parsePlaceholder('outputs.WebSgID', new Set(['WebSgId', 'VpcId']));
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.hint).to.equal('did you mean "{{outputs.WebSgId}}"?');
  });

  it('rejects unknown names, suggesting the nearest valid one', () => {
    const r = parsePlaceholder('regoin');
    expect(r.ok).to.equal(false);
    if (!r.ok) {
      expect(r.message).to.equal('unknown placeholder "{{regoin}}"');
      expect(r.hint).to.equal('did you mean "{{region}}"?');
    }
    const far = parsePlaceholder('totally.else');
    if (!far.ok)
      expect(far.hint).to.contain('{{outputs.<Name>}}, {{actions.<id>.<Member>}}, {{exercise.id}}');
    const bad = parsePlaceholder('outputs.Web-Sg');
    expect(bad.ok).to.equal(false);
  });

  it('substitutes values and refuses what it cannot resolve', () => {
    const values = {
      outputs: { WebSgId: 'sg-123' },
      exerciseId: 'ex1',
      accountId: '123456789012',
      region: 'eu-west-1',
    };
    expect(
      substitutePlaceholders('{{outputs.WebSgId}} @ {{ region }}/{{account.id}}/{{exercise.id}}', values),
    ).to.equal('sg-123 @ eu-west-1/123456789012/ex1');
    expect(() => substitutePlaceholders('{{outputs.Nope}}', values)).to.throw(/no output named Nope/);
    expect(() => substitutePlaceholders('{{nope}}', values)).to.throw(/unknown placeholder/);
    expect(() => substitutePlaceholders('{{region', values)).to.throw(/unclosed/);
  });

  it('knows when a whole value is a placeholder', () => {
    expect(isPlaceholderOnly('{{outputs.BastionCidr}}')).to.equal(true);
    expect(isPlaceholderOnly('10.0.0.0/{{outputs.Bits}}')).to.equal(false);
  });

  it('refers to results of inject actions by id and member path, checking ids when known', () => {
    const ok = parsePlaceholder(
      'actions.intruder-key.AccessKey.AccessKeyId',
      undefined,
      new Set(['intruder-key']),
    );
    expect(ok).to.deep.equal({
      ok: true,
      ref: { kind: 'action', id: 'intruder-key', path: ['AccessKey', 'AccessKeyId'] },
    });
    const unknown = parsePlaceholder(
      'actions.intruder-kye.AccessKey.AccessKeyId',
      undefined,
      new Set(['intruder-key']),
    );
    expect(unknown.ok).to.equal(false);
    if (!unknown.ok) expect(unknown.hint).to.equal('did you mean "actions.intruder-key"?');
    expect(parsePlaceholder('actions.key').ok, 'a member path is required').to.equal(false);
    const values = {
      outputs: {},
      actions: {
        'intruder-key': { AccessKey: { AccessKeyId: 'AKIA1' } },
        run: { Instances: [{ InstanceId: 'i-1' }] },
      },
      exerciseId: 'ex1',
      accountId: '123456789012',
      region: 'eu-west-1',
    };
    expect(substitutePlaceholders('{{actions.intruder-key.AccessKey.AccessKeyId}}', values)).to.equal(
      'AKIA1',
    );
    expect(substitutePlaceholders('{{actions.run.Instances.0.InstanceId}}', values)).to.equal('i-1');
    expect(() => substitutePlaceholders('{{actions.intruder-key.AccessKey}}', values)).to.throw(
      /not a single value/,
    );
    expect(() => substitutePlaceholders('{{actions.run.Nope}}', values)).to.throw(/has no Nope/);
  });
});
