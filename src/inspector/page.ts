/**
 * The inspector's page: HTML, CSS and one script, embedded so `npm run build` ships them in dist/ and
 * the page works offline. The script builds the DOM with textContent only (header values and bodies
 * come from whoever called the API), and talks to the inspector over /events (SSE) and /api/*.
 */

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crossgate inspector</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<a class="skip" href="#rows">Skip to the request list</a>
<header class="top">
  <h1>crossgate <span>inspector</span></h1>
  <div class="tabs" role="tablist" aria-label="Views">
    <button type="button" role="tab" id="tab-requests" aria-controls="view-requests" aria-selected="true">Requests <span id="count" class="count">0</span></button>
    <button type="button" role="tab" id="tab-routes" aria-controls="view-routes" aria-selected="false" tabindex="-1">Routes</button>
  </div>
  <p class="where">API <code id="api-url">…</code> · this page <code id="page-origin">…</code></p>
  <p id="conn" class="conn" role="status">connecting…</p>
</header>
<main>
  <section id="view-requests" class="panel" role="tabpanel" aria-labelledby="tab-requests">
    <div class="list-pane">
      <div class="toolbar">
        <label><input type="checkbox" id="only-cors" checked> Only cross-origin requests</label>
        <label><input type="checkbox" id="only-blocked"> Only blocked</label>
        <button type="button" id="clear">Clear list</button>
      </div>
      <div class="cols" aria-hidden="true"><span>Time</span><span>Origin</span><span>Method</span><span>Path</span><span>Status</span><span>Verdict</span><span class="num">Duration</span></div>
      <div id="rows" role="listbox" tabindex="0" aria-label="Requests, newest last. Arrow keys move, the selected request is shown beside the list."></div>
      <p id="empty" class="empty">No request yet. Call the API from a page on another origin (or use Routes → Try it); requests appear here as they are answered.</p>
    </div>
    <section id="detail" class="detail" aria-label="Selected request" tabindex="-1">
      <p class="muted">Select a request to see both exchanges, the headers that decided the verdict, the event the handler received, and the fix.</p>
    </section>
  </section>
  <section id="view-routes" class="panel" role="tabpanel" aria-labelledby="tab-routes" hidden>
    <div id="routes" class="routes" aria-label="Routes as deployed"></div>
    <div class="try-pane">
      <form id="try" aria-labelledby="try-title">
        <h2 id="try-title">Try it from this page</h2>
        <p class="muted">Sends a real <code>fetch()</code> from <code id="try-origin">…</code>, another origin than the API's, so the browser applies CORS; then asks crossgate what it predicts for the same call.</p>
        <div class="field"><label for="try-method">Method</label>
          <select id="try-method"><option>GET</option><option>POST</option><option>PUT</option><option>PATCH</option><option>DELETE</option><option>HEAD</option></select></div>
        <div class="field"><label for="try-path">Path</label><input id="try-path" value="/" required spellcheck="false" aria-describedby="try-path-hint"></div>
        <p id="try-path-hint" class="hint">Replace path parameters such as {id} with a value.</p>
        <div class="field"><label for="try-key">x-api-key header</label><input id="try-key" list="try-keys" autocomplete="off" spellcheck="false" placeholder="(not sent when empty)" aria-describedby="try-key-hint"><datalist id="try-keys"></datalist></div>
        <p id="try-key-hint" class="hint" hidden></p>
        <div class="field"><label for="try-ctype">Content-Type header</label>
          <select id="try-ctype"><option value="">(none)</option><option>application/json</option><option>text/plain</option></select></div>
        <div class="field"><label for="try-hname">Another header: name</label><input id="try-hname" spellcheck="false" placeholder="authorization"></div>
        <div class="field"><label for="try-hvalue">Another header: value</label><input id="try-hvalue" spellcheck="false"></div>
        <div class="field"><label for="try-cred">Credentials</label>
          <select id="try-cred"><option>omit</option><option selected>same-origin</option><option>include</option></select></div>
        <div class="field"><label for="try-body">Body (not sent with GET or HEAD)</label><textarea id="try-body" rows="3" spellcheck="false"></textarea></div>
        <button type="submit" id="try-send">Send fetch()</button>
      </form>
      <section id="try-result" class="try-result" aria-live="polite" aria-label="Try it result"></section>
    </div>
  </section>
</main>
<script src="/app.js"></script>
</body>
</html>
`;

export const APP_CSS = `
:root {
  --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --soft: #f6f8fa;
  --ok: #116329; --okbg: #dafbe1; --bad: #a40e26; --badbg: #ffebe9; --warnbg: #fff8c5;
  --accent: #0550ae; --sel: #ddf4ff; --row: 2rem;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
h1 { font-size: 1.1rem; margin: 0; white-space: nowrap; } h1 span { font-weight: 400; color: var(--muted); }
h2 { font-size: 1.05rem; margin: .25rem 0 .5rem; } h3 { font-size: .95rem; margin: 1rem 0 .35rem; }
button, input, select, textarea { font: inherit; color: inherit; }
button { border: 1px solid var(--line); background: var(--soft); border-radius: 6px; padding: .25rem .7rem; cursor: pointer; }
button:hover { background: #eaeef2; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
[hidden] { display: none !important; }
.skip { position: absolute; left: -999px; } .skip:focus { left: .5rem; top: .5rem; background: var(--bg); padding: .25rem .5rem; z-index: 2; }
.top { display: flex; align-items: center; gap: 1rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); flex: none; min-height: 3rem; }
.tabs { display: flex; gap: .25rem; }
.tabs [role=tab] { border-radius: 6px 6px 0 0; border-bottom: 0; background: var(--bg); }
.tabs [aria-selected=true] { background: var(--sel); border-color: var(--accent); font-weight: 600; }
.count { display: inline-block; min-width: 2.5em; text-align: center; font-variant-numeric: tabular-nums; color: var(--muted); }
.where { margin: 0; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; }
.conn { margin: 0; width: 9rem; text-align: right; color: var(--muted); white-space: nowrap; }
.conn.live { color: var(--ok); }
main { flex: 1; min-height: 0; }
.panel { height: 100%; display: grid; grid-template-columns: minmax(0, 3fr) minmax(22rem, 2fr); }
.list-pane { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--line); position: relative; }
.toolbar { display: flex; gap: 1.25rem; align-items: center; padding: .4rem .75rem; border-bottom: 1px solid var(--line); flex: none; }
.toolbar button { margin-left: auto; }
.cols, .row {
  display: grid; gap: 0 .6rem; align-items: center; padding: 0 .75rem;
  grid-template-columns: 7.6rem minmax(6rem, 12rem) 4.6rem minmax(6rem, 1fr) 8.6rem 7.2rem 5.4rem;
}
.cols { font-weight: 600; color: var(--muted); height: 1.9rem; border-bottom: 1px solid var(--line); flex: none; background: var(--soft); }
#rows { flex: 1; overflow-y: auto; scrollbar-gutter: stable; overflow-anchor: none; min-height: 0; }
#rows:focus-visible { outline-offset: -2px; }
.row { height: var(--row); border-bottom: 1px solid #eaeef2; cursor: pointer; white-space: nowrap; font-variant-numeric: tabular-nums; }
.row > span { overflow: hidden; text-overflow: ellipsis; }
.row:hover { background: var(--soft); }
.row[aria-selected=true] { background: var(--sel); box-shadow: inset 3px 0 var(--accent); }
#rows:focus-visible .row[aria-selected=true] { outline: 2px solid var(--accent); outline-offset: -2px; }
.num { text-align: right; }
.verdict { font-weight: 600; }
.v-ok .verdict { color: var(--ok); } .v-preflight .verdict, .v-actual .verdict { color: var(--bad); } .v-none .verdict { color: var(--muted); font-weight: 400; }
.s-err { color: var(--bad); }
.empty { position: absolute; top: 6rem; left: 0; right: 0; text-align: center; color: var(--muted); padding: 0 2rem; margin: 0; pointer-events: none; }
.detail { overflow: auto; padding: .75rem 1rem 2rem; min-height: 0; }
.muted, .hint { color: var(--muted); } .hint { margin: -.25rem 0 .5rem; font-size: .9em; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .55rem; font-size: .85em; border: 1px solid var(--line); background: var(--soft); margin-right: .3rem; white-space: nowrap; }
.badge.ok { background: var(--okbg); color: var(--ok); border-color: #4ac26b; }
.badge.bad { background: var(--badbg); color: var(--bad); border-color: #ff8182; }
.badge.warn { background: var(--warnbg); border-color: #d4a72c; }
.explain { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px; padding: .5rem .75rem; background: #fffafa; }
.explain.ok { border-left-color: var(--ok); background: #f8fff9; }
.explain p { margin: .3rem 0; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .5rem; overflow: auto; max-height: 22rem; white-space: pre-wrap; word-break: break-word; margin: .3rem 0; }
table.headers { border-collapse: collapse; width: 100%; margin: .25rem 0 .5rem; table-layout: fixed; }
table.headers caption { text-align: left; font-weight: 600; padding: .25rem 0; }
table.headers th, table.headers td { text-align: left; border-bottom: 1px solid #eaeef2; padding: .15rem .4rem; vertical-align: top; word-break: break-word; }
table.headers th { color: var(--muted); font-weight: 600; }
table.headers col.n { width: 34%; } table.headers col.m { width: 8.5rem; }
tr.mark-fail { background: var(--badbg); } tr.mark-fail td:last-child { color: var(--bad); font-weight: 600; }
tr.mark-pass { background: var(--okbg); } tr.mark-pass td:last-child { color: var(--ok); }
tr.mark-request { background: var(--sel); }
ul.checks { list-style: none; padding: 0; margin: .25rem 0; }
ul.checks li { padding: .1rem 0; } ul.checks .src { color: var(--muted); font-size: .9em; }
.ok-t { color: var(--ok); font-weight: 600; } .bad-t { color: var(--bad); font-weight: 600; }
details summary { cursor: pointer; font-weight: 600; padding: .2rem 0; }
.routes { overflow: auto; padding: .75rem 1rem 2rem; border-right: 1px solid var(--line); min-height: 0; }
.route { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .75rem; margin-bottom: .75rem; }
.route h3 { margin: .1rem 0 .4rem; display: flex; gap: .5rem; align-items: baseline; }
.route h3 .api { color: var(--muted); font-weight: 400; font-size: .9em; }
.route ul { list-style: none; padding: 0; margin: .25rem 0; }
.route li { padding: .15rem 0; display: flex; flex-wrap: wrap; align-items: center; gap: .25rem; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 600; }
.try-pane { overflow: auto; padding: .75rem 1rem 2rem; min-height: 0; }
.field { display: grid; grid-template-columns: 10rem 1fr; align-items: center; gap: .5rem; margin: .35rem 0; }
.field input, .field select, .field textarea { border: 1px solid #8c959f; border-radius: 6px; padding: .25rem .4rem; background: var(--bg); width: 100%; }
#try-send { margin-top: .5rem; background: var(--accent); color: #fff; border-color: var(--accent); font-weight: 600; }
#try-send:disabled { opacity: .7; cursor: progress; }
.try-result { min-height: 16rem; margin-top: 1rem; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.compare > div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.agree { font-weight: 600; padding: .4rem .75rem; border-radius: 6px; margin-bottom: .5rem; }
.agree.yes { background: var(--okbg); color: var(--ok); } .agree.no { background: var(--badbg); color: var(--bad); }
@media (max-width: 900px) {
  body { height: auto; } .panel { grid-template-columns: 1fr; } #rows { height: 50vh; flex: none; }
  .where { display: none; } .cols, .row { grid-template-columns: 7.6rem 0 4.6rem minmax(5rem, 1fr) 8.6rem 7.2rem 0; }
}
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; } }
`;

export const APP_JS = String.raw`'use strict';
(() => {
  const MAX_ROWS = 500;
  const $ = (id) => document.getElementById(id);
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
    return el;
  }
  const state = { apiUrl: '', rows: [], byId: new Map(), selected: null, detailToken: 0, count: 0 };

  // ---- tabs
  const tabs = [$('tab-requests'), $('tab-routes')];
  function showTab(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => showTab(t));
    t.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      showTab(next);
      next.focus();
      e.preventDefault();
    });
  });

  // ---- the live list
  const list = $('rows');
  const pad = (n, w) => String(n).padStart(w || 2, '0');
  function clock(ms) {
    const d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }
  function verdictOf(row) {
    const p = row.preflight, a = row.actual;
    if (p && p.ok === false) return { key: 'preflight', text: '✗ preflight', say: 'blocked at the preflight' };
    if (a && a.ok === false) return { key: 'actual', text: '✗ response', say: 'blocked: the response fails the CORS check' };
    if (a && a.ok === true) return { key: 'ok', text: '✓ allowed', say: p ? 'preflight and response allowed' : 'allowed' };
    if (p && p.ok === true) return { key: 'ok', text: '✓ preflight', say: 'preflight allowed' };
    return { key: 'none', text: '· no CORS', say: 'not a cross-origin request' };
  }
  function renderRow(row) {
    const p = row.preflight, a = row.actual, s = a || p;
    const v = verdictOf(row);
    const method = a ? a.method : (p.askedMethod || p.method);
    const path = s.path + (s.query ? '?' + s.query : '');
    const status = p && a ? p.status + ' → ' + a.status : p && p.step === 'preflight' ? 'OPTIONS ' + p.status : String(s.status);
    const failing = (p && p.status >= 400) || (a && a.status >= 400);
    const ms = ((p ? p.durationMs : 0) + (a ? a.durationMs : 0)).toFixed(1);
    const el = row.el || h('div', { role: 'option', id: 'row-' + row.key, 'aria-selected': 'false' });
    el.className = 'row v-' + v.key;
    el.dataset.verdict = v.key;
    el.dataset.method = method;
    el.dataset.path = s.path;
    el.dataset.origin = s.origin || '';
    el.dataset.ids = [p && p.id, a && a.id].filter(Boolean).join(',');
    el.setAttribute('aria-label', method + ' ' + path + (s.origin ? ' from ' + s.origin : '') + ', status ' + (p && a ? 'preflight ' + p.status + ' then ' + a.status : status) + ', ' + v.say + ', ' + ms + ' milliseconds');
    el.replaceChildren(
      h('span', { text: clock((p || a).time) }),
      h('span', { text: s.origin || '—', title: s.origin || 'no Origin header' }),
      h('span', { class: 'mono', text: method }),
      h('span', { class: 'mono', text: path, title: path }),
      h('span', { class: failing ? 's-err' : '', text: status, title: p && a ? 'preflight ' + p.status + ', then ' + a.status : status }),
      h('span', { class: 'verdict', text: v.text, title: (a && a.summary) || (p && p.summary) || '' }),
      h('span', { class: 'num', text: ms + ' ms' }),
    );
    row.el = el;
    applyFilter(row);
  }
  const onlyCors = $('only-cors'), onlyBlocked = $('only-blocked');
  function applyFilter(row) {
    const v = row.el.dataset.verdict;
    row.el.hidden = (onlyCors.checked && v === 'none') || (onlyBlocked.checked && v !== 'preflight' && v !== 'actual');
  }
  function refreshEmpty() {
    $('empty').hidden = state.rows.some((r) => !r.el.hidden);
  }
  onlyCors.addEventListener('change', () => { state.rows.forEach(applyFilter); refreshEmpty(); });
  onlyBlocked.addEventListener('change', () => { state.rows.forEach(applyFilter); refreshEmpty(); });
  $('clear').addEventListener('click', () => {
    state.rows = []; state.byId.clear(); state.selected = null; list.replaceChildren(); list.removeAttribute('aria-activedescendant');
    refreshEmpty();
  });

  function add(s) {
    if (state.byId.has(s.id)) return;
    state.count++;
    $('count').textContent = String(state.count);
    const pre = s.preflightId !== undefined && s.preflightId !== null ? state.byId.get(s.preflightId) : undefined;
    if (pre && !pre.actual) {
      pre.actual = s;
      state.byId.set(s.id, pre);
      renderRow(pre);
      if (pre === state.selected) loadDetail(pre);
      refreshEmpty();
      return;
    }
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 4;
    const row = s.step === 'preflight' ? { key: s.id, preflight: s } : { key: s.id, actual: s };
    state.byId.set(s.id, row);
    state.rows.push(row);
    renderRow(row);
    list.append(row.el);
    if (state.rows.length > MAX_ROWS) {
      const old = state.rows.shift();
      const height = old.el.hidden ? 0 : old.el.offsetHeight;
      old.el.remove();
      for (const k of [old.preflight, old.actual]) if (k) state.byId.delete(k.id);
      if (!atBottom) list.scrollTop -= height;
      if (old === state.selected) state.selected = null;
    }
    if (atBottom) list.scrollTop = list.scrollHeight;
    refreshEmpty();
  }

  function visibleRows() { return state.rows.filter((r) => !r.el.hidden); }
  function select(row) {
    if (state.selected && state.selected.el) state.selected.el.setAttribute('aria-selected', 'false');
    state.selected = row;
    row.el.setAttribute('aria-selected', 'true');
    list.setAttribute('aria-activedescendant', row.el.id);
    row.el.scrollIntoView({ block: 'nearest' });
    loadDetail(row);
  }
  list.addEventListener('click', (e) => {
    const el = e.target.closest('.row');
    const row = el && state.rows.find((r) => r.el === el);
    if (row) { list.focus({ preventScroll: true }); select(row); }
  });
  list.addEventListener('keydown', (e) => {
    const rows = visibleRows();
    if (rows.length === 0) return;
    let i = rows.indexOf(state.selected);
    const page = Math.max(1, Math.floor(list.clientHeight / (rows[0].el.offsetHeight || 28)) - 1);
    if (e.key === 'ArrowDown') i = i < 0 ? 0 : Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp') i = i < 0 ? rows.length - 1 : Math.max(0, i - 1);
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = rows.length - 1;
    else if (e.key === 'PageDown') i = Math.min(rows.length - 1, Math.max(0, i) + page);
    else if (e.key === 'PageUp') i = Math.max(0, i - page);
    else if (e.key === 'Enter' && state.selected) { $('detail').focus(); e.preventDefault(); return; }
    else return;
    e.preventDefault();
    select(rows[i]);
  });

  // ---- detail
  function headerTable(caption, headers) {
    return h('table', { class: 'headers' },
      h('caption', { text: caption }),
      h('colgroup', null, h('col', { class: 'n' }), h('col'), h('col', { class: 'm' })),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Value' }), h('th', { scope: 'col', text: 'Decided' }))),
      h('tbody', null, headers.map((x) => h('tr', { class: x.mark ? 'mark-' + x.mark : '' },
        h('td', { class: 'mono', text: x.name }),
        h('td', { class: 'mono', text: x.value }),
        h('td', { text: x.mark === 'fail' ? '✗ failed a check' : x.mark === 'pass' ? '✓ checked' : x.mark === 'request' ? 'CORS request' : '' })))));
  }
  function pretty(v) {
    if (v === undefined) return '(none)';
    if (typeof v === 'string') {
      try { return JSON.stringify(JSON.parse(v), null, 2); } catch { return v; }
    }
    return JSON.stringify(v, null, 2);
  }
  function exchangeSection(title, d) {
    const j = d.judgement;
    const g = d.gateway;
    const how = g.kind === 'mock' ? 'API Gateway’s OPTIONS mock' : g.kind === 'proxy' ? 'the function ' + (g.functionId || '') : g.kind === 'integration' ? 'the integration (' + (g.reason || '') + ')' : 'a gateway response ' + (g.responseType || '');
    return h('section', { class: 'exchange', 'aria-label': title },
      h('h3', { text: title + ': ' + d.request.method + ' → ' + d.response.status }),
      h('p', null, 'Answered by ', h('strong', { text: how }), g.resource ? ' (resource ' + g.resource + ' ' + (g.method || '') + ')' : '', g.reason ? ' — ' + g.reason : ''),
      j ? h('ul', { class: 'checks', 'aria-label': 'Checks the browser ran' }, j.checks.map((c) => h('li', null,
        h('span', { class: c.ok ? 'ok-t' : 'bad-t', text: c.ok ? '✓ ' : '✗ ' }),
        h('strong', { text: c.name }), ' — ' + c.detail + ' ', h('span', { class: 'src', text: '(' + c.source + ')' })))) : null,
      h('p', { class: 'mono', text: d.request.method + ' ' + d.request.url }),
      headerTable('Request headers', d.request.headers),
      headerTable('Response headers (' + d.response.status + ')', d.response.headers),
      g.kind === 'proxy' ? h('details', null, h('summary', { text: 'Lambda event the handler received' }), h('pre', { text: pretty(g.event) })) : null,
      g.kind === 'proxy' ? h('details', { open: true }, h('summary', { text: 'What the handler returned (raw)' }), h('pre', { text: pretty(g.result !== undefined ? g.result : g.outcome) })) : null,
      d.response.body ? h('details', null, h('summary', { text: 'Response body' }), h('pre', { text: pretty(d.response.body) })) : null,
    );
  }
  function explanation(part) {
    const j = part.detail.judgement;
    if (!j) return h('div', { class: 'explain ok' }, h('p', { text: 'No Origin header (or the API’s own origin): the browser applies no CORS check to this request.' }));
    if (j.ok) return h('div', { class: 'explain ok' }, h('p', { class: 'ok-t', text: '✓ A browser on ' + part.detail.summary.origin + ' accepts this ' + (part.detail.summary.step === 'preflight' ? 'preflight' : 'response') + '.' }));
    const f = part.fix;
    return h('div', { class: 'explain', role: 'group', 'aria-label': 'Why the browser blocks it, and the fix' },
      h('p', { class: 'bad-t', text: '✗ ' + (j.cause || j.reason || j.errorCode) }),
      j.engines ? h('p', { class: 'muted', text: 'A browser on ' + part.detail.summary.origin + ' is ' + j.engines + '. Each console says:' }) : null,
      j.engineMessages && j.engineMessages.length ? h('pre', { class: 'console', text: j.engineMessages.map((m) => m[0] + ': ' + m[1]).join('\n') }) : j.consoleMessage ? [h('p', { class: 'muted', text: 'Chromium’s console says:' }), h('pre', { class: 'console', text: j.consoleMessage })] : null,
      f ? h('p', null, h('strong', { text: 'Fix: ' }), f.text, f.at ? [' — ', h('code', { text: f.at })] : null) : null,
      f && f.findings.length ? h('ul', { class: 'checks', 'aria-label': 'crossgate check findings for this route' }, f.findings.map((x) => h('li', null,
        h('span', { class: 'badge ' + (x.severity === 'error' ? 'bad' : 'warn'), text: x.code }), x.message + ' ',
        x.at ? h('code', { text: x.at }) : null,
        x.fix ? h('div', { class: 'muted', text: 'crossgate check --fix: ' + x.fix }) : x.hint ? h('div', { class: 'muted', text: x.hint }) : null))) : null,
    );
  }
  async function loadDetail(row) {
    const token = ++state.detailToken;
    const ids = [row.preflight && row.preflight.id, row.actual && row.actual.id].filter(Boolean);
    const parts = await Promise.all(ids.map((id) => fetch('/api/exchanges/' + id).then((r) => (r.ok ? r.json() : null)).catch(() => null)));
    if (token !== state.detailToken) return;
    const pane = $('detail');
    const got = parts.filter(Boolean);
    if (got.length === 0) { pane.replaceChildren(h('p', { class: 'muted', text: 'This request is no longer kept by the inspector.' })); return; }
    const v = verdictOf(row);
    const s = (row.actual || row.preflight);
    const failing = got.find((p) => p.detail.judgement && !p.detail.judgement.ok) || got[got.length - 1];
    pane.replaceChildren(
      h('h2', null, h('span', { class: 'mono', text: row.el.dataset.method + ' ' + s.path }), ' ', h('span', { class: 'badge ' + (v.key === 'ok' ? 'ok' : v.key === 'none' ? '' : 'bad'), text: v.text })),
      h('p', { class: 'muted', text: (s.origin ? 'From a page on ' + s.origin : 'No Origin header') + ' · ' + clock((row.preflight || row.actual).time) }),
      explanation(failing),
      ...got.map((p) => exchangeSection(p.detail.summary.step === 'preflight' ? 'Preflight' : row.preflight ? 'Actual request' : 'Request', p.detail)),
    );
  }

  // ---- routes and try it
  function renderRoutes(routes) {
    const box = $('routes');
    if (routes.length === 0) { box.replaceChildren(h('p', { class: 'muted', text: 'The template defines no API route.' })); return; }
    box.replaceChildren(h('h2', { text: 'Routes as deployed' }), ...routes.map((r, i) => {
      const p = r.preflight;
      const guards = (m) => [
        m.apiKeyRequired ? h('span', { class: 'badge warn', text: 'API key' }) : null,
        m.authorizer ? h('span', { class: 'badge warn', text: 'authorizer ' + m.authorizer }) : null,
        !m.apiKeyRequired && !m.authorizer ? h('span', { class: 'badge', text: 'open' }) : null,
      ];
      return h('article', { class: 'route', 'aria-labelledby': 'route-' + i, 'data-path': r.path },
        h('h3', { id: 'route-' + i }, h('span', { class: 'mono', text: r.path }), h('span', { class: 'api', text: r.api })),
        h('ul', { 'aria-label': 'Methods' }, r.methods.map((m) => h('li', null,
          h('span', { class: 'method mono', text: m.method }), guards(m),
          h('span', { class: 'muted', text: m.functionId ? '→ ' + m.functionId : m.integration }),
          h('button', { type: 'button', class: 'try-btn', 'data-method': m.method, 'data-path': r.path, 'aria-label': 'Try ' + m.method + ' ' + r.path, text: 'Try it' })))),
        p ? h('div', null,
          h('p', null, h('span', { class: 'method mono', text: 'OPTIONS' }),
            p.fromCors ? 'preflight generated by SAM from Cors (' + p.integration + (p.status ? ', ' + p.status : '') + ')' : 'preflight: ' + p.integration + ' integration',
            ' ', p.apiKeyRequired ? h('span', { class: 'badge bad', text: '✗ API key required on the preflight: browsers never send it (403)' }) : null,
            p.authorizer ? h('span', { class: 'badge bad', text: '✗ authorizer ' + p.authorizer + ' on the preflight (401/403)' }) : null,
            !p.apiKeyRequired && !p.authorizer ? h('span', { class: 'badge ok', text: '✓ preflight not guarded' }) : null),
          p.headers.length ? headerTable('Headers the OPTIONS mock sends', p.headers.map((x) => ({ name: x.name, value: x.value !== undefined ? x.value : x.expression, mark: x.invalid ? 'fail' : undefined }))) : null)
          : h('p', { class: 'bad-t', text: '✗ No OPTIONS method: a preflight gets 403 Missing Authentication Token.' }),
      );
    }));
  }
  $('routes').addEventListener('click', (e) => {
    const b = e.target.closest('.try-btn');
    if (!b) return;
    const m = b.dataset.method === 'ANY' ? 'GET' : b.dataset.method;
    $('try-method').value = m;
    $('try-path').value = b.dataset.path;
    $('try-path').focus();
  });
  $('try').addEventListener('submit', async (e) => {
    e.preventDefault();
    const send = $('try-send');
    send.disabled = true;
    const out = $('try-result');
    out.replaceChildren(h('p', { class: 'muted', text: 'Sending…' }));
    try {
      const method = $('try-method').value;
      const path = $('try-path').value.trim();
      const url = state.apiUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : '/' + path);
      const headers = [];
      if ($('try-key').value) headers.push(['x-api-key', $('try-key').value]);
      if ($('try-ctype').value) headers.push(['content-type', $('try-ctype').value]);
      if ($('try-hname').value.trim()) headers.push([$('try-hname').value.trim(), $('try-hvalue').value]);
      const credentials = $('try-cred').value;
      const body = method === 'GET' || method === 'HEAD' || $('try-body').value === '' ? undefined : $('try-body').value;
      let browser;
      try {
        const res = await fetch(url, { method, headers, body, credentials, mode: 'cors', cache: 'no-store' });
        await res.text();
        browser = { resolved: true, status: res.status, type: res.type, headers: [...res.headers.keys()] };
      } catch (err) {
        browser = { resolved: false, exception: err.name + ': ' + err.message };
      }
      const r = await fetch('/api/try', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pageOrigin: location.origin, call: { url, method, headers, body, credentials } }) });
      const pred = await r.json();
      if (!r.ok) { out.replaceChildren(h('p', { class: 'bad-t', text: 'crossgate could not predict: ' + pred.message })); return; }
      // Compare with the engine this page runs in (Firefox, WebKit/Safari, else Chromium).
      const ua = navigator.userAgent;
      const engine = /Firefox\//.test(ua) ? 'firefox' : /AppleWebKit/.test(ua) && !/Chrome\/|Chromium\//.test(ua) ? 'webkit' : 'chromium';
      const engineName = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }[engine];
      const mine = (pred.engines && pred.engines[engine]) || { allowed: pred.allowed, exception: pred.exception, consoleMessages: pred.consoleMessage ? [pred.consoleMessage] : [] };
      const agree = mine.allowed === browser.resolved && (browser.resolved ? pred.status === browser.status : mine.exception === browser.exception);
      out.dataset.engine = engine;
      out.dataset.agree = String(agree);
      out.dataset.browser = browser.resolved ? 'resolved' : 'rejected';
      out.dataset.predicted = pred.allowed ? 'allowed' : 'blocked';
      out.replaceChildren(
        h('h2', { text: 'Result: ' + method + ' ' + path }),
        h('p', { class: 'agree ' + (agree ? 'yes' : 'no'), text: agree ? '✓ crossgate’s prediction matches what the browser did.' : '✗ crossgate’s prediction differs from what the browser did.' }),
        h('div', { class: 'compare' },
          h('div', { 'aria-label': 'What the browser did' }, h('h3', { text: 'What the browser did' }),
            browser.resolved
              ? [h('p', { class: 'ok-t', text: '✓ fetch() resolved: ' + browser.status + ' (' + browser.type + ')' }), h('p', { class: 'muted', text: 'Headers script can read: ' + (browser.headers.join(', ') || '(none)') })]
              : [h('p', { class: 'bad-t', text: '✗ fetch() rejected: ' + browser.exception }), h('p', { class: 'muted', text: 'The browser hides why from the page; its console (DevTools) shows the CORS message.' })]),
          h('div', { 'aria-label': 'What crossgate predicted' }, h('h3', { text: 'What crossgate predicted for ' + engineName }),
            mine.allowed
              ? h('p', { class: 'ok-t', text: '✓ allowed: ' + pred.status })
              : [h('p', { class: 'bad-t', text: '✗ blocked' + (pred.failedStep && !pred.allowed ? ' at the ' + pred.failedStep : '') + ': ' + (mine.exception || '') }), pred.cause && !pred.allowed ? h('p', { text: pred.cause }) : null,
                 mine.consoleMessages.length ? h('pre', { class: 'console', text: mine.consoleMessages.join('\n') }) : null],
            h('p', { class: 'muted', text: (pred.needsPreflight ? 'Needs a preflight. ' : 'A simple request (no preflight). ') + 'Sent: ' + pred.sent.map((x) => x.method + ' → ' + x.status).join(', ') }))),
        h('p', { class: 'muted', text: 'Both attempts reach the API (crossgate’s over node:http), so a POST runs twice. The browser’s own requests are in the Requests list.' }),
      );
    } catch (err) {
      out.replaceChildren(h('p', { class: 'bad-t', text: 'Try it failed: ' + err.message }));
    } finally {
      send.disabled = false;
    }
  });

  // ---- start
  $('page-origin').textContent = location.origin;
  $('try-origin').textContent = location.origin;
  fetch('/api/info').then((r) => r.json()).then((info) => {
    state.apiUrl = info.apiUrl;
    $('api-url').textContent = info.apiUrl;
    const dl = $('try-keys');
    for (const k of info.apiKeys) dl.append(h('option', { value: k }));
    if (info.secrets === 'masked' && info.keyHints.length) {
      const hint = $('try-key-hint');
      hint.textContent = 'API keys are masked in the inspector (' + info.keyHints.join(', ') + '): paste one from the terminal where serve runs, or start serve with --inspector-secrets to offer them here.';
      hint.hidden = false;
    }
  });
  fetch('/api/routes').then((r) => r.json()).then(renderRoutes);
  const conn = $('conn');
  const events = new EventSource('/events');
  events.onopen = () => { conn.textContent = '● live'; conn.className = 'conn live'; };
  events.onerror = () => { conn.textContent = 'reconnecting…'; conn.className = 'conn'; };
  events.addEventListener('exchange', (e) => add(JSON.parse(e.data)));
  refreshEmpty();
})();
`;
