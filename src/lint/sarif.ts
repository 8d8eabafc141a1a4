import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, LintReport } from './index.js';
import type { Severity } from './types.js';

/**
 * SARIF 2.1.0, the format code hosts (GitHub code scanning, GitLab, Azure DevOps) show inline on pull
 * requests: one run, the rule pack as tool.driver.rules, one result per finding (suppressed ones carry a
 * SARIF suppression with the template's reason), templates sirs could not read as tool notifications.
 */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub ranks security alerts by this property (0.1–10): critical ≥ 9, high ≥ 7, medium ≥ 4. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.split('\\').join('/')), uriBaseId: '%SRCROOT%' };
}

export function toSarif(report: LintReport, version: string): Record<string, unknown> {
  const rules = report.rules.map((r) => ({
    id: r.id,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: r.title },
    fullDescription: { text: `${r.control} Applies to ${r.resourceTypes.join(', ')}.` },
    help: { text: r.fix, markdown: `**Control:** ${r.control}\n\n**Fix:** ${r.fix}` },
    defaultConfiguration: { level: LEVEL[r.severity], enabled: r.enabled },
    properties: {
      tags: ['security', 'cloudformation', r.family],
      'security-severity': SECURITY_SEVERITY[r.severity],
    },
  }));
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const result = (f: Finding) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? 0,
    level: LEVEL[f.severity],
    message: {
      text: `${f.resource}: ${f.message}${f.deployedOnly ? ' (seen after deployment)' : ''}. Fix: ${f.fix}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file),
          region: { startLine: f.line, startColumn: f.col },
        },
        logicalLocations: [{ name: f.resource, fullyQualifiedName: f.path, kind: 'resource' }],
      },
    ],
    properties: {
      severity: f.severity,
      resourceType: f.resourceType,
      ...(f.deployedOnly ? { deployedOnly: true } : {}),
    },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed.reason }] } : {}),
  });
  const notifications = report.files.flatMap((f) =>
    f.problems.map((p) => ({
      level: 'error',
      message: { text: p.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(p.file),
            region: { startLine: p.line, startColumn: p.col },
          },
        },
      ],
    })),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sirs lint',
            semanticVersion: version,
            rules,
          },
        },
        invocations: [
          { executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications },
        ],
        results: report.files.flatMap((f) => [...f.findings, ...f.suppressed].map(result)),
      },
    ],
  };
}
