/**
 * The board page: one self-contained HTML document (inline style and script under a CSP nonce, no
 * network but its own event stream). The script builds every element with textContent from the view the
 * server sends, so a resource name or an ack note is only ever text. States read without colour: each is
 * a word and a symbol, and WRONG and BREACHED are written out.
 */
import { BOARD_SCRIPT } from './page-script.js';

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const STYLE = `
:root { color-scheme: light; --ink: #111; --muted: #555; --bad: #a40000; --good: #0b5d1e; --warn: #7a4b00;
  --line: #bbb; --card: #f6f6f3; }
* { box-sizing: border-box; }
body { margin: 0; font: 20px/1.4 system-ui, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; gap: 0.4em 2em; align-items: baseline; padding: 0.6em 1em;
  border-bottom: 3px solid var(--ink); }
header h1 { margin: 0; font-size: 1.3em; }
#clock { font: 700 2.2em/1 ui-monospace, "DejaVu Sans Mono", monospace; }
#score { font-size: 1.5em; font-weight: 700; }
#conn { margin-left: auto; color: var(--muted); }
#conn.down { color: var(--bad); font-weight: 700; }
.banner { margin: 0.5em 1em; padding: 0.4em 0.8em; border: 2px solid var(--ink); font-weight: 700; }
.banner:empty { display: none; }
#controls { margin: 0.5em 1em; display: flex; gap: 1em; align-items: center; }
#controls[hidden] { display: none; }
button { font: inherit; padding: 0.3em 0.9em; border: 2px solid var(--ink); background: #fff; cursor: pointer; }
button.danger { border-color: var(--bad); color: var(--bad); }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(28em, 1fr)); gap: 1em; padding: 1em; }
article { background: var(--card); border: 2px solid var(--line); padding: 0.6em 0.9em; }
article h2 { margin: 0 0 0.3em; font-size: 1.25em; }
article h2 small { font-weight: 400; color: var(--muted); font-size: 0.7em; }
.state { display: inline-block; font-weight: 800; letter-spacing: 0.04em; margin-right: 0.4em; }
.state-recovered .state, .on-target { color: var(--good); }
.state-timed-out .state, .state-aborted .state, .missed, .over-target, .wrong, .breach { color: var(--bad); }
.late { color: var(--warn); }
.points { float: right; font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
td { padding: 0.15em 0.4em 0.15em 0; vertical-align: top; }
td.time { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
tr.evidence td { font-size: 0.8em; color: var(--muted); padding-bottom: 0.4em; }
progress { width: 100%; height: 0.6em; }
ul, ol { margin: 0.2em 0; padding-left: 1.2em; }
.hints, .breaches, .wrongs { margin-top: 0.4em; }
section.log { padding: 0 1em 1em; }
section.log h2 { font-size: 1.1em; margin: 0.6em 0 0.2em; }
li.new { font-weight: 700; }
li.new::after { content: " (new)"; }
.note { font-style: italic; }
dialog { font-size: 1.1em; border: 3px solid var(--ink); }
dialog p { max-width: 28em; }
`;

export function renderBoardPage(opts: { nonce: string; exerciseId: string }): string {
  const nonce = escapeHtml(opts.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sirs board: ${escapeHtml(opts.exerciseId)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>sirs board <span id="exercise">${escapeHtml(opts.exerciseId)}</span></h1>
  <span id="phase-of-exercise">connecting</span>
  <span id="clock" aria-label="exercise time">--:--</span>
  <span id="score">score so far: -</span>
  <span id="conn" role="status">connecting…</span>
</header>
<div id="notice" class="banner" role="status"></div>
<div id="caught-up" class="banner" role="status"></div>
<section id="controls" hidden>
  <button id="release-hint" type="button">Release a hint</button>
  <button id="end-exercise" type="button" class="danger">End the exercise</button>
  <span id="action-result" role="status"></span>
</section>
<main id="scenarios"></main>
<section class="log" id="decoys"></section>
<section class="log"><h2>Acknowledgements</h2><ol id="acks"></ol></section>
<section class="log"><h2>What happened</h2><ol id="feed" reversed></ol></section>
<dialog id="confirm">
  <p id="confirm-text"></p>
  <button type="button" id="confirm-cancel" autofocus>Cancel</button>
  <button type="button" id="confirm-ok" class="danger"></button>
</dialog>
<script nonce="${nonce}">${BOARD_SCRIPT}</script>
</body>
</html>
`;
}
