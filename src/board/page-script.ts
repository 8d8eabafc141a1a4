/**
 * The board page's script, inlined under the page's CSP nonce. It renders the view model the server sends
 * (no scoring here) with textContent only, moves the clocks between updates, reconnects after a drop or
 * a sleep (a new stream with `since` when the browser gave up, and after 40 s without a heartbeat), and,
 * for a facilitator who opened the URL with the token, sends the actions after a confirmation.
 */
export const BOARD_SCRIPT = String.raw`
'use strict';
(function () {
  var TOKEN_KEY = 'sirs-board-token';
  var token = null;
  var found = /[#&?]token=([A-Za-z0-9_-]+)/.exec(location.hash + '&' + location.search);
  if (found) {
    token = found[1];
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: this tab only */ }
    // Keep the token off the projected address bar.
    history.replaceState(null, '', location.pathname);
  } else {
    try { token = sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
  }

  var STATES = {
    pending: '\u25cc PENDING', injecting: '\u25cc INJECTING', live: '\u25cf LIVE',
    detected: '\u25d0 DETECTED', contained: '\u25d5 CONTAINED', recovered: '\u2714 RECOVERED',
    'timed-out': '\u2718 TIMED OUT', aborted: '\u25a0 ABORTED'
  };
  var PHASES = {
    'on-target': '\u2714 on target', late: '\u2714 late', running: '\u2026 running',
    'over-target': '\u26a0 OVER TARGET', missed: '\u2718 MISSED'
  };
  var current = null;
  var base = { elapsed: 0, at: performance.now(), running: false, scale: 1 };
  var lastSeq = null;
  var lastMessageAt = performance.now();
  var source = null;
  var retry = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (m < 10 ? '0' : '') + m, ss = (r < 10 ? '0' : '') + r;
    return h ? h + ':' + mm + ':' + ss : mm + ':' + ss;
  }
  function hhmm(d) {
    return (d.getHours() < 10 ? '0' : '') + d.getHours() + ':' + (d.getMinutes() < 10 ? '0' : '') + d.getMinutes();
  }
  function elapsedNow() {
    if (!base.running) return base.elapsed;
    return base.elapsed + (performance.now() - base.at) * base.scale;
  }

  function render(msg) {
    var v = msg.view;
    current = v;
    base = { elapsed: v.elapsedMs, at: performance.now(), running: v.running, scale: v.timeScale || 1 };
    document.title = 'sirs board: ' + v.exerciseId + ' ' + v.exercise;
    $('exercise').textContent = v.exerciseId;
    $('phase-of-exercise').textContent = v.exercise.toUpperCase() + (v.target ? ' on ' + v.target : '');
    $('score').textContent = v.score ? 'score so far: ' + v.score.total + ' / 100 (' + v.score.grade + ')' : 'score so far: -';
    var notice = '';
    if (v.wrapUp) notice = 'Wrap-up until ' + hhmm(new Date(v.wrapUp.until)) + ': every phase is met and the score is final; check your fixes now.';
    else if (v.ended) notice = 'The exercise ended (' + v.ended.reason + ') at ' + clock(v.ended.atMs) + '.';
    else if (!v.running) notice = v.exercise === 'starting' || v.exercise === 'injecting' ? 'Injecting the scenarios\u2026' : '';
    $('notice').textContent = notice;
    if (msg.since !== undefined && msg.since !== null) {
      var missed = v.seq - msg.since;
      $('caught-up').textContent = missed > 0
        ? 'Reconnected: caught up on ' + missed + ' journal entr' + (missed === 1 ? 'y' : 'ies') + ' missed while away.'
        : 'Reconnected: nothing was missed.';
    }
    var controls = $('controls');
    controls.hidden = !(token && msg.actions);
    renderScenarios(v);
    renderDecoys(v);
    renderAcks(v, msg.since);
    renderFeed(v, msg.since);
    tick();
  }

  function renderScenarios(v) {
    var main = $('scenarios');
    var cards = v.scenarios.map(function (s) {
      var card = el('article', 'scenario state-' + s.state);
      card.dataset.scenario = s.id;
      card.dataset.state = s.state;
      var h = el('h2');
      h.append(el('span', 'state', STATES[s.state] || s.state.toUpperCase()), document.createTextNode(s.title + ' '));
      h.append(el('small', null, s.id + ' \u00b7 ' + s.severity));
      h.append(el('span', 'points', s.points + ' pts'));
      card.append(h);
      var table = el('table', 'phases');
      s.phases.forEach(function (p) {
        var row = el('tr', 'phase ' + p.status);
        row.dataset.phase = p.phase;
        row.dataset.status = p.status;
        row.append(el('td', null, p.phase), el('td', 'status', PHASES[p.status] || p.status));
        var time = el('td', 'time');
        time.dataset.start = String(s.startMs);
        time.dataset.target = String(p.targetMs);
        if (p.metAtMs !== undefined) time.dataset.met = String(p.metAtMs);
        row.append(time, el('td', null, p.points + ' / ' + p.max));
        table.append(row);
        if (p.evidence.length) {
          var ev = el('tr', 'evidence');
          var cell = el('td', null, (p.impliedBy ? '(implied by ' + p.impliedBy + ') ' : '') + p.evidence.join('; '));
          cell.colSpan = 4;
          ev.append(cell);
          table.append(ev);
        } else if (p.status === 'running' || p.status === 'over-target') {
          var bar = el('tr', 'bar');
          var c2 = el('td');
          c2.colSpan = 4;
          var prog = el('progress');
          prog.max = p.targetMs;
          prog.dataset.start = String(s.startMs);
          c2.append(prog);
          bar.append(c2);
          table.append(bar);
        }
      });
      card.append(table);
      var hints = el('div', 'hints');
      hints.append(el('strong', null, 'Hints: ' + s.hints.released.length + ' released' + (s.hints.cost ? ' (\u2212' + s.hints.cost + ' pts)' : '')));
      var next = s.hints.next;
      if (next) hints.append(document.createTextNode(' \u00b7 next at ' + clock(next.dueAtMs) + ' (costs ' + next.cost + ')'));
      else hints.append(document.createTextNode(' \u00b7 no more scheduled'));
      if (s.hints.released.length) {
        var ul = el('ul');
        s.hints.released.forEach(function (hint) {
          ul.append(el('li', 'hint', clock(hint.atMs) + ' ' + (hint.by === 'facilitator' ? '(facilitator) ' : '') + hint.text + ' (costs ' + hint.cost + ')'));
        });
        hints.append(ul);
      }
      card.append(hints);
      if (s.breaches.length) card.append(breachList(s.breaches));
      if (s.wrongAcks) card.append(el('div', 'wrongs wrong', '\u2718 WRONG identifications: ' + s.wrongAcks + ' (\u22125 pts each)'));
      return card;
    });
    main.replaceChildren.apply(main, cards);
    if (!cards.length) main.append(el('p', null, 'Waiting for the exercise to go live\u2026'));
  }

  function breachList(breaches) {
    var box = el('div', 'breaches');
    var ul = el('ul');
    breaches.forEach(function (b) {
      var open = b.restoredAtMs === undefined;
      ul.append(el('li', open ? 'breach' : 'restored',
        (open ? '\u26a0 BREACHED ' : '\u2714 restored (was BREACHED) ') + 'at ' + clock(b.atMs) + ': ' + b.check + ' \u2014 ' + b.summary +
        (open ? '' : ', restored at ' + clock(b.restoredAtMs))));
    });
    box.append(el('strong', null, 'Steady state:'), ul);
    return box;
  }

  function renderDecoys(v) {
    var box = $('decoys');
    var parts = [];
    if (v.decoys.length) {
      parts.push(el('h2', null, 'Approved changes (leave alone)'));
      v.decoys.forEach(function (d) {
        parts.push(el('p', null, d.title + (d.breaches.length ? '' : ': untouched')));
        if (d.breaches.length) parts.push(breachList(d.breaches));
      });
    }
    box.replaceChildren.apply(box, parts);
  }

  function renderAcks(v, since) {
    var list = $('acks');
    var items = v.acks.map(function (a) {
      var li = el('li', 'ack ' + a.verdict);
      li.dataset.verdict = a.verdict;
      if (since !== undefined && since !== null && a.seq > since) li.classList.add('new');
      var head = a.verdict === 'right' ? '\u2714 ' + a.finding + ' for ' + a.scenarios.join(', ')
        : a.verdict === 'wrong' ? '\u2718 WRONG identification for ' + a.scenarios.join(', ') + ': ' + a.finding
          : '? ' + a.finding + ' (matches no scenario)';
      li.append(el('span', 'time', clock(a.atMs) + ' '), el('span', 'verdict', head));
      if (a.resource) li.append(document.createTextNode(' on '), el('code', 'resource', a.resource));
      li.append(document.createTextNode(' by '), el('span', 'by', a.by));
      if (a.note) li.append(document.createTextNode(' \u2014 '), el('span', 'note', a.note));
      return li;
    });
    list.replaceChildren.apply(list, items);
    if (!items.length) list.append(el('li', null, 'none yet'));
  }

  function renderFeed(v, since) {
    var list = $('feed');
    var items = v.feed.slice().reverse().map(function (f) {
      var li = el('li', 'feed ' + f.kind, clock(f.atMs) + '  ' + f.text);
      li.dataset.kind = f.kind;
      li.dataset.seq = String(f.seq);
      if (since !== undefined && since !== null && f.seq > since) li.classList.add('new');
      return li;
    });
    list.replaceChildren.apply(list, items);
  }

  function tick() {
    var now = elapsedNow();
    $('clock').textContent = clock(now);
    var cells = document.querySelectorAll('td.time');
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i], d = c.dataset;
      var t = d.met !== undefined ? Number(d.met) : Math.max(0, now - Number(d.start));
      c.textContent = clock(t) + ' / ' + clock(Number(d.target));
    }
    var bars = document.querySelectorAll('progress');
    for (var j = 0; j < bars.length; j++) bars[j].value = Math.min(bars[j].max, Math.max(0, now - Number(bars[j].dataset.start)));
  }

  function setConnected(up) {
    var c = $('conn');
    // After the exercise's end, a lost stream is most likely the board itself stopping with sirs.
    var over = current && current.ended && (current.exercise === 'ended' || current.exercise === 'failed' || current.exercise === 'kept');
    c.textContent = up ? '\u25cf connected' : over ? '\u25cb NOT CONNECTED (the exercise is over; this is its final board)' : '\u25cb RECONNECTING\u2026';
    c.className = up ? '' : 'down';
  }

  function connect() {
    clearTimeout(retry);
    if (source) source.close();
    source = new EventSource(lastSeq === null ? '/events' : '/events?since=' + lastSeq);
    source.addEventListener('view', function (ev) {
      lastMessageAt = performance.now();
      var msg = JSON.parse(ev.data);
      lastSeq = msg.view.seq;
      setConnected(true);
      render(msg);
    });
    source.addEventListener('ping', function () { lastMessageAt = performance.now(); });
    source.onerror = function () {
      setConnected(false);
      // The browser retries by itself unless it gave up (an error status, or a closed stream).
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(connect, 2000);
    };
  }

  // A laptop that slept may hold a stream that will never speak again: start a new one.
  setInterval(function () {
    tick();
    if (performance.now() - lastMessageAt > 40000) { lastMessageAt = performance.now(); connect(); }
  }, 500);
  window.addEventListener('online', connect);

  function act(action, question, label) {
    var dialog = $('confirm');
    $('confirm-text').textContent = question;
    $('confirm-ok').textContent = label;
    $('confirm-ok').onclick = function () { dialog.close('ok'); };
    $('confirm-cancel').onclick = function () { dialog.close('cancel'); };
    dialog.onclose = function () {
      if (dialog.returnValue !== 'ok') { $('action-result').textContent = 'cancelled'; return; }
      $('action-result').textContent = 'sending\u2026';
      var headers = {};
      headers['X-Sirs-Board-Token'] = token;
      fetch('/actions/' + action, { method: 'POST', headers: headers, credentials: 'omit', cache: 'no-store' })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (r) { $('action-result').textContent = r.ok ? r.body.message : 'refused: ' + r.body.error; })
        .catch(function (e) { $('action-result').textContent = 'failed: ' + e.message; });
    };
    dialog.returnValue = '';
    dialog.showModal();
  }
  $('release-hint').addEventListener('click', function () {
    act('hint', 'Release the next hint now? It costs the points shown on its scenario.', 'Release the hint');
  });
  $('end-exercise').addEventListener('click', function () {
    act('end', 'End the exercise now? Scenarios not resolved are aborted, and teardown starts.', 'End the exercise');
  });

  connect();
})();
`;
