import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ruleById } from '../../src/lint/rules/index.js';
import { readLintTemplate } from '../../src/lint/template.js';
import { isRecord } from '../../src/scenario/issues.js';

/**
 * The labelled corpus: test/lint/corpus/<family>/<rule>-{insecure,secure}.{yaml,json}, one rule each, and
 * test/lint/corpus/stacks/, whole stacks about several rules. Each template says in Metadata.sirs-corpus
 * which rules it is about and whether it is the insecure or the secure variant. An entry is one (template,
 * rule) pair.
 * Every insecure variant must be flagged by its rule, and no secure variant may be. The bench reports the
 * same numbers per family (scripts/bench/lint.ts).
 */
export const CORPUS_DIR = join(import.meta.dirname, 'corpus');

export interface CorpusEntry {
  file: string;
  family: string;
  rule: string;
  variant: 'insecure' | 'secure';
}

export function corpusEntries(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .flatMap((f) => {
      const read = readLintTemplate(join(CORPUS_DIR, f), f);
      if (!read.ok) throw new Error(`${f}: ${read.problems.map((p) => p.message).join('; ')}`);
      const meta = read.template.data.Metadata;
      const label = isRecord(meta) ? meta['sirs-corpus'] : undefined;
      if (!isRecord(label)) throw new Error(`${f} has no sirs-corpus label`);
      // One rule (`rule: SG001`), or a whole stack about several (`rules: [SG001, VPC001]`).
      const rules = Array.isArray(label.rules) ? label.rules.map(String) : [String(label.rule)];
      return rules.map((rule) => {
        const known = ruleById(rule);
        if (!known) throw new Error(`${f} names ${rule}, which is not a rule`);
        return { file: f, family: known.family, rule, variant: label.variant as CorpusEntry['variant'] };
      });
    });
}
