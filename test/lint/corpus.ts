import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readLintTemplate } from '../../src/lint/template.js';
import { isRecord } from '../../src/scenario/issues.js';

/**
 * The labelled corpus (test/lint/corpus/<family>/<rule>-{insecure,secure}.{yaml,json}): each template says
 * in Metadata.sirs-corpus which rule it is about and whether it is the insecure or the secure variant.
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
    .map((f) => {
      const read = readLintTemplate(join(CORPUS_DIR, f), f);
      if (!read.ok) throw new Error(`${f}: ${read.problems.map((p) => p.message).join('; ')}`);
      const meta = read.template.data.Metadata;
      const label = isRecord(meta) ? meta['sirs-corpus'] : undefined;
      if (!isRecord(label)) throw new Error(`${f} has no sirs-corpus label`);
      return {
        file: f,
        family: String(label.family),
        rule: String(label.rule),
        variant: label.variant as CorpusEntry['variant'],
      };
    });
}
