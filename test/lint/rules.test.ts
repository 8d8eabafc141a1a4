import { expect } from 'chai';
import { RULES } from '../../src/lint/rules/index.js';
import { SEVERITIES } from '../../src/lint/types.js';
import { firedRules, lintText, template } from './helpers.js';
import { RULE_CASES } from './rule-cases.js';

describe('lint rules', () => {
  it('every registered rule is complete, unique, and has a triggering and a non-triggering template', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size, 'unique ids').to.equal(ids.length);
    for (const r of RULES) {
      expect(r.id).to.match(/^[A-Z][A-Z0-9]{1,5}\d{3}$/);
      expect(SEVERITIES).to.include(r.severity);
      expect(r.title, r.id).to.not.equal('');
      expect(r.control, r.id).to.match(/\.$/);
      expect(r.fix, r.id).to.not.equal('');
      expect(r.resourceTypes.length, r.id).to.be.greaterThan(0);
    }
    expect(Object.keys(RULE_CASES).sort(), 'rules without bad/good templates').to.deep.equal([...ids].sort());
  });

  for (const rule of RULES) {
    const cases = RULE_CASES[rule.id];
    if (!cases) continue;
    it(`${rule.id} (${rule.title}) fires on its bad template and not on its good one`, () => {
      const bad = lintText(template(cases.bad, cases.parameters));
      expect(firedRules(bad), 'bad template').to.include(rule.id);
      const finding = bad.findings.find((f) => f.rule === rule.id)!;
      expect(finding.line, 'located in the file').to.be.greaterThan(2);
      expect(finding.control).to.equal(rule.control);
      const good = lintText(template(cases.good, cases.parameters));
      expect(firedRules(good), 'good template').to.not.include(rule.id);
    });
  }
});
