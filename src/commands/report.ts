import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { ReportResult } from '../report/make.js';

export default class Report extends SirsCommand {
  static override summary =
    "An exercise's after-action report: Markdown, self-contained HTML, JSON or JUnit XML.";
  static override description = `Rendered from the exercise's journal and the responders' CloudTrail
activity recorded at its end: the exercise summary (scenarios, target,
facilitator, duration, score and grade); per scenario the closed loop,
TTD / TTC / TTR against their targets with the evidence behind each (the
CloudTrail call, who made it, from where; or the probe that saw it), hints,
steady-state breaches, wrong identifications, detection gaps and how every
point was earned or lost; the responders' calls grouped by principal, with
the first call that touched the fault; trends across past exercises; and the
lessons learned and action items of --notes.

sirs start and sirs drill write report.md, report.html and report.json into
.sirs/exercises/<id>/. On AWS, CloudTrail delivers events minutes late:
--refresh reads the exercise's window again, updates the activity and
re-dates phases a probe dated (the score keeps the journaled times).

Templates are Handlebars files in the reports/ folder of the sirs package:
copy one and pass it with --template. Every value a template gets is already
escaped for its format.`;

  static override examples = [
    { description: 'The latest exercise, as Markdown', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'One HTML file to share (inline CSS and SVG, no script)',
      command: '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b --format html --out report.html',
    },
    {
      description: 'With the facilitator’s lessons learned and action items',
      command: '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b --notes debrief.md --out report.md',
    },
    {
      description: 'On AWS, a few minutes later: CloudTrail has caught up',
      command: '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b --refresh',
    },
    {
      description: 'Is the team getting faster at this scenario?',
      command:
        '<%= config.bin %> <%= command.id %> --history ssh-open-to-world --format html --out trends.html',
    },
    {
      description: 'Your own template',
      command: '<%= config.bin %> <%= command.id %> --template my-report.md.hbs --out report.md',
    },
    {
      description: 'For CI: JUnit XML',
      command: '<%= config.bin %> <%= command.id %> --format junit --out sirs.xml',
    },
  ];

  static override strict = false;
  static override args = {
    id: Args.string({
      description:
        'Exercise id (default: the most recent). With --history: the scenarios to compare (default: all).',
    }),
  };

  static override flags = {
    format: Flags.option({
      options: ['md', 'html', 'json', 'junit'] as const,
      default: 'md' as const,
      description:
        'md (renders on a code host), html (one self-contained file), json (reports/report.schema.json) or junit.',
    })(),
    out: Flags.string({ char: 'o', description: 'Write the report to this file instead of printing it.' }),
    template: Flags.string({
      description: 'A Handlebars template to use instead of the shipped one (md or html).',
    }),
    notes: Flags.string({
      description:
        'The facilitator’s Markdown: its "Lessons learned" and "Action items" headings fill those sections.',
    }),
    history: Flags.boolean({
      description:
        'Trends across past exercises (TTD / TTC / TTR and score) of the scenarios given as arguments.',
    }),
    refresh: Flags.boolean({
      description:
        'Read CloudTrail again for the exercise’s window first (events arrive minutes late on AWS).',
    }),
  };

  async run(): Promise<Omit<ReportResult, 'text'>> {
    const { argv, flags } = await this.parse(Report);
    const args = argv as string[];
    const { makeReport } = await import('../report/make.js');
    if (!flags.history && args.length > 1) {
      const { UsageError } = await import('../errors.js');
      throw new UsageError('too-many-arguments', 'sirs report takes one exercise id', {
        suggestions: ['to compare scenarios across exercises: sirs report --history SCENARIO...'],
      });
    }
    const { text, ...result } = await makeReport({
      ...(flags.history ? { history: args } : args[0] ? { exerciseId: args[0] } : {}),
      format: flags.format,
      ...(flags.out ? { out: flags.out } : {}),
      ...(flags.template ? { template: flags.template } : {}),
      ...(flags.notes ? { notes: flags.notes } : {}),
      refresh: flags.refresh,
    });
    if (!this.jsonEnabled()) {
      const r = result.refresh;
      if (r) {
        const say = (s: string) => process.stderr.write(`${s}\n`);
        say(
          `CloudTrail re-read: ${r.events} responder call(s), ${r.added} new, in ${r.pages} page(s).${r.note ? ` ${r.note}` : ''}`,
        );
        for (const d of r.redated)
          say(
            `Re-dated ${d.scenario} ${d.phase}: ${d.from} (probe) → ${d.to}${d.eventName ? ` (${d.eventName})` : ''}`,
          );
        if (r.reports.length) say(`Rewritten: ${r.reports.join(', ')}`);
      }
      if (result.file) this.log(`Report written to ${result.file}`);
      else if (text !== undefined) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    return result;
  }
}
