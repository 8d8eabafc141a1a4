/**
 * `sirs strat` → "did you mean sirs start?": oclif runs this hook when no command matches. The nearest
 * command or topic, by the same edit distance as the scenario ids' did-you-mean; exit 2 (a usage error),
 * in JSON with `--json`.
 */
import type { Hook, Interfaces } from '@oclif/core';
import { jsonRequested, reportFailure } from '../cli/base.js';
import { closest, editDistance } from '../scenario/did-you-mean.js';

/**
 * The commands and topics nearest to what was typed. `typed` holds the words of the command line that
 * are not flags (oclif joins the leading ones into the id: `rang start` arrives as `rang:start`).
 */
export function nearestCommands(typed: readonly string[], names: readonly string[]): string[] {
  let best: { name: string; distance: number; words: number }[] = [];
  const byWords = new Map<number, string[]>();
  for (const name of new Set(names)) {
    const words = name.split(' ').length;
    byWords.set(words, [...(byWords.get(words) ?? []), name]);
  }
  for (const [words, candidates] of byWords) {
    if (typed.length < words) continue;
    const phrase = typed.slice(0, words).join(' ');
    const match = closest(phrase, candidates);
    if (match === undefined) continue;
    const distance = editDistance(phrase.toLowerCase(), match.toLowerCase());
    for (const name of candidates) {
      if (editDistance(phrase.toLowerCase(), name.toLowerCase()) === distance)
        best.push({ name, distance, words });
    }
  }
  // The most specific match first (`range strat` → the command `range start`, not its topic `range`).
  best = best.sort((a, b) => b.words - a.words || a.distance - b.distance);
  return best
    .filter((b) => b.distance === best[0]?.distance && b.words === best[0]?.words)
    .map((b) => b.name);
}

/** Prints "sirs has no command ..." with the nearest commands (JSON with --json); exit 2 is the caller's. */
export function reportUnknownCommand(config: Interfaces.Config, id: string, argv: readonly string[]): void {
  const typed = [...id.split(':'), ...argv.filter((a) => !a.startsWith('-'))];
  const visible = config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
  const topics = config.topics.filter((t) => !t.hidden).map((t) => t.name.replaceAll(':', ' '));
  const near = nearestCommands(typed, [...visible, ...topics]);
  // The unknown part: the words up to the first one that is not a topic (`range strat`, not its args).
  let n = 1;
  while (n < typed.length && topics.includes(typed.slice(0, n).join(' '))) n++;
  const asTyped = typed.slice(0, n).join(' ');
  reportFailure(
    {
      code: 'unknown-command',
      message: `sirs has no command "${asTyped}"`,
      suggestions: [...near.map((c) => `did you mean "sirs ${c}"?`), 'sirs --help lists the commands'],
      exitCode: 2,
    },
    jsonRequested([...id.split(':'), ...argv]),
  );
}

const hook: Hook.CommandNotFound = async function (opts) {
  reportUnknownCommand(opts.config, opts.id, opts.argv ?? []);
  this.exit(2);
};

export default hook;
