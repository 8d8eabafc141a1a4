import { expect } from 'chai';
import { join } from 'node:path';
import { EMPTY_CONFIG } from '../../src/lint/config.js';
import { lintTemplate } from '../../src/lint/engine.js';
import { ruleById } from '../../src/lint/rules/index.js';
import { readLintTemplate } from '../../src/lint/template.js';
import { packageRoot } from '../../src/paths.js';
import { catalogEntries } from '../../src/scenario/catalog.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * The closed loop between the scenario library and the rules: every shipped scenario names the lint rules
 * its fault violates, and they fire on its injection template, or, for a fault that inject actions make
 * after the stack (StopLogging, DeleteFlowLogs, a root access key, a public snapshot), on the template
 * under templates/lint/ that declares the faulty state as infrastructure.
 */
describe('the scenario library and sirs lint', () => {
  const root = packageRoot();
  const { scenarios } = catalogEntries(root);

  it('covers every shipped scenario', () => {
    expect(scenarios.length).to.be.at.least(10);
  });

  for (const id of scenarios) {
    it(`${id}: the rules its fault violates fire on the template that declares it`, () => {
      const { scenario: s } = loadScenario(id);
      expect(s.lint, `${id} names no lint rules (lint: { rules: [...] })`).to.not.equal(undefined);
      const lint = s.lint!;
      for (const rule of lint.rules)
        expect(ruleById(rule), `${rule} is a registered rule`).to.not.equal(undefined);
      const file = lint.template ?? s.inject.stack.template;
      const read = readLintTemplate(join(root, 'templates', file), `templates/${file}`);
      if (!read.ok) throw new Error(read.problems.map((p) => p.message).join('; '));
      const parameters = lint.template
        ? {}
        : Object.fromEntries(Object.entries(s.inject.stack.parameters ?? {}).map(([k, v]) => [k, String(v)]));
      const report = lintTemplate(read.template, { parameters, config: EMPTY_CONFIG });
      const fired = new Set(report.findings.map((f) => f.rule));
      const missing = lint.rules.filter((r) => !fired.has(r));
      expect(missing, `rules that did not fire on ${file}`).to.deep.equal([]);
    });
  }

  it("the campaign's decoy (an approved partner SFTP rule) is not flagged as an exposure", () => {
    const read = readLintTemplate(join(root, 'templates', 'intrusion-campaign-decoy.cfn.yaml'), 'decoy');
    if (!read.ok) throw new Error('decoy template unreadable');
    const report = lintTemplate(read.template, { parameters: {}, config: EMPTY_CONFIG });
    expect(report.findings.filter((f) => f.rule.startsWith('SG'))).to.deep.equal([]);
  });
});
