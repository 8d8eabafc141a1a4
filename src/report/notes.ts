/**
 * The facilitator's notes (`sirs report --notes FILE`): Markdown whose `Lessons learned` and `Action
 * items` headings (any level, any case, singular or plural) fill the report's sections of those names.
 * A file with neither heading is all lessons learned; text under other headings goes with the section
 * it follows, its heading kept.
 */
export interface Notes {
  lessons: string;
  actions: string;
}

export const MAX_NOTES_BYTES = 1024 * 1024;

export function parseNotes(markdown: string): Notes {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const parts: Notes = { lessons: '', actions: '' };
  let into: keyof Notes = 'lessons';
  const bucket: Record<keyof Notes, string[]> = { lessons: [], actions: [] };
  let fenced = false;
  for (const line of lines) {
    if (/^\s{0,3}(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading && /^lessons?(\s+learn(ed|t))?\b/i.test(heading[1]!)) {
      into = 'lessons';
      continue;
    }
    if (heading && /^action(\s+items?)?\b|^actions\b/i.test(heading[1]!)) {
      into = 'actions';
      continue;
    }
    bucket[into].push(line);
  }
  // A heading taken out leaves its blank lines: at most one blank line in a row.
  const tidy = (xs: string[]) =>
    xs
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  parts.lessons = tidy(bucket.lessons);
  parts.actions = tidy(bucket.actions);
  return parts;
}
