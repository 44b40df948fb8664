"""The instructor's pages: a login form and the live room, self-contained (no CDN, no web font).

The room page is one HTML file with its style and script inline. The script
listens to the server's live feed (Server-Sent Events) and redraws the room;
every learner-supplied text goes in with ``textContent``, never as HTML. It
reads on a projector (large type) and on a phone (the stuck list first, the
grid scrolls sideways under a fixed column of names).
"""

from __future__ import annotations

import html
import json

from starlette.requests import Request

from conclab.i18n import Messages

TEXT = Messages({
    "title": {"en": "conclab class", "ja": "conclab クラス"},
    "login": {"en": "Instructor login", "ja": "講師ログイン"},
    "token": {"en": "Instructor token (printed when the class was created)",
              "ja": "講師トークン（クラス作成時に表示されたもの）"},
    "enter": {"en": "Log in", "ja": "ログイン"},
    "wrong": {"en": "That is not this class's instructor token.", "ja": "このクラスの講師トークンではありません。"},
    "join": {"en": "Learners join with", "ja": "受講者の参加コマンド"},
    "rotate": {"en": "New join code", "ja": "参加コードを変更"},
    "big": {"en": "Large type", "ja": "大きな文字"},
    "csv": {"en": "CSV", "ja": "CSV"},
    "logout": {"en": "Log out", "ja": "ログアウト"},
    "stuck-title": {"en": "Stuck now", "ja": "つまずいている人"},
    "nobody-stuck": {"en": "Nobody is stuck.", "ja": "つまずいている人はいません。"},
    "grid-title": {"en": "Room", "ja": "教室"},
    "sort": {"en": "Sort", "ja": "並べ替え"},
    "by-stuck": {"en": "stuck first", "ja": "つまずき順"},
    "by-name": {"en": "name", "ja": "名前順"},
    "by-progress": {"en": "fewest passed", "ja": "合格が少ない順"},
    "learner": {"en": "Learner", "ja": "受講者"},
    "exercises-title": {"en": "Exercises", "ja": "演習ごと"},
    "exercise": {"en": "Exercise", "ja": "演習"},
    "pass-rate": {"en": "Passed", "ja": "合格"},
    "stuck": {"en": "Stuck", "ja": "つまずき"},
    "common": {"en": "Most common failure (explain this to the room)", "ja": "最も多い失敗（全体に説明するとよい点）"},
    "attempts": {"en": "{n} attempts", "ja": "{n} 回"},
    "minutes": {"en": "{n} min", "ja": "{n} 分"},
    "live": {"en": "live", "ja": "ライブ"},
    "offline": {"en": "reconnecting...", "ja": "再接続中..."},
    "legend": {"en": "✓ passed · ✗n failing after n attempts · ! stuck · blank: not started",
               "ja": "✓ 合格 · ✗n n 回失敗中 · ! つまずき · 空欄: 未着手"},
    "rule": {"en": "stuck = {a} failed attempts, or {m} minutes since the last pass",
             "ja": "つまずき = 失敗 {a} 回、または前回の合格から {m} 分"},
    "nobody": {"en": "No learner has joined yet.", "ja": "まだ誰も参加していません。"},
})

#: Sent as a header with every page: it may load nothing from anywhere but its own server.
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
           "X-Content-Type-Options": "nosniff"}
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def page_lang(request: Request, default: str) -> str:
    """``?lang=ja|en``, else the browser's first choice, else the server's language."""
    asked = request.query_params.get("lang", "")
    if asked in ("en", "ja"):
        return asked
    accept = request.headers.get("accept-language", "").strip().lower()
    if accept.startswith("ja"):
        return "ja"
    if accept.startswith("en"):
        return "en"
    return default


def _t(key: str, lang: str) -> str:
    return html.escape(TEXT.get(key, lang))


STYLE = """
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #c62828; --stuck: #e67700; --muted: #888;
        --line: rgba(127,127,127,.35); --bg: Canvas; }
* { box-sizing: border-box; }
body { font: 15px/1.4 system-ui, "Noto Sans CJK JP", sans-serif; margin: 0; padding: .6rem; }
body.big { font-size: 24px; }
header { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; }
h1 { font-size: 1.2em; margin: 0; } h2 { font-size: 1.05em; margin: 1rem 0 .3rem; }
code.join { font-size: 1.1em; padding: .1em .3em; border: 1px solid var(--line); border-radius: 4px;
            overflow-wrap: anywhere; }
button, select, a.button { font: inherit; padding: .2em .6em; }
#live { font-size: .85em; color: var(--muted); } #live.on { color: var(--ok); }
ul.stuck { list-style: none; padding: 0; margin: 0; }
ul.stuck li { border-left: 4px solid var(--stuck); padding: .2rem .5rem; margin: .25rem 0; }
ul.stuck .why { color: var(--muted); font-size: .9em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .15rem .35rem; text-align: center; }
table.grid th.name, table.grid td.name { position: sticky; left: 0; background: var(--bg); text-align: left;
  max-width: 9em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; z-index: 1; }
td.cell { min-width: 2.2em; font-weight: 600; }
td.passed { background: var(--ok); color: #fff; }
td.failing { background: var(--bad); color: #fff; }
td.stuck { outline: 3px solid var(--stuck); outline-offset: -3px; }
table.stats td { text-align: left; } table.stats td.num { text-align: right; }
table.stats th:nth-child(-n+3) { white-space: nowrap; }
.muted { color: var(--muted); font-size: .9em; }
"""

SCRIPT = """
const T = JSON.parse(document.getElementById('text').textContent);
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) { const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
let room = null;
function fmt(key, n) { return T[key].replace('{n}', n); }
function drawStuck() {
  const list = $('stuck'); list.replaceChildren();
  for (const l of room.learners) for (const ex of l.stuck_on) {
    const c = l.cells[ex]; const li = el('li'); li.dataset.learner = l.name; li.dataset.exercise = ex;
    li.append(el('strong', l.name), ' — ', el('span', ex), ' ',
              el('span', '(' + fmt('attempts', c.attempts) + ', ' + fmt('minutes', Math.round(c.stuck_minutes)) + ')', 'muted'));
    if (c.last_failure) li.append(el('div', c.last_failure, 'why'));
    list.append(li);
  }
  if (!list.children.length) list.append(el('li', T['nobody-stuck'], 'muted'));
}
function sorted() {
  const by = $('sort').value, ls = room.learners.slice();
  if (by === 'stuck') ls.sort((a, b) => b.stuck_on.length - a.stuck_on.length || a.name.localeCompare(b.name));
  if (by === 'progress') ls.sort((a, b) => a.passed - b.passed || a.name.localeCompare(b.name));
  return ls;
}
function drawGrid() {
  const grid = $('grid'); grid.replaceChildren();
  const head = el('tr'); head.append(el('th', T.learner, 'name'));
  room.exercises.forEach((ex, i) => { const th = el('th', i + 1); th.title = ex; head.append(th); });
  grid.append(head);
  for (const l of sorted()) {
    const tr = el('tr'); const name = el('td', l.name, 'name'); name.title = l.name; tr.append(name);
    for (const ex of room.exercises) {
      const c = l.cells[ex]; const state = c ? c.state : 'not-started';
      const text = state === 'passed' ? '✓' : state === 'failing' ? '✗' + c.attempts : '';
      const td = el('td', (c && c.stuck ? '!' : '') + text, 'cell ' + state + (c && c.stuck ? ' stuck' : ''));
      td.dataset.learner = l.name; td.dataset.exercise = ex; td.dataset.state = state;
      td.title = l.name + ' · ' + ex + (c && c.last_failure ? ' · ' + c.last_failure : '');
      tr.append(td);
    }
    grid.append(tr);
  }
  $('nobody').hidden = room.learners.length > 0;
}
function common(s) {
  const td = el('td'); if (!s.common_failure) return td;
  td.append(el('strong', s.common_failure + ' ×' + s.common_failure_count));
  if (s.common_failure_example) td.append(el('div', s.common_failure_example, 'why muted'));
  return td;
}
function drawStats() {
  const body = $('stats'); body.replaceChildren();
  room.stats.forEach((s, i) => {
    const tr = el('tr'); tr.dataset.exercise = s.exercise;
    tr.append(el('td', (i + 1) + '. ' + s.exercise),
              el('td', s.started ? s.passed + '/' + s.started + ' (' + Math.round(100 * s.pass_rate) + '%)' : '–', 'num'),
              el('td', s.stuck || '', 'num'),
              common(s));
    body.append(tr);
  });
}
function draw() {
  $('code').textContent = 'conclab class join ' + (room.join_url || location.origin) + ' --code ' + room.join_code + ' --name "…"';
  $('rule').textContent = T.rule.replace('{a}', room.rule.attempts).replace('{m}', room.rule.minutes);
  drawStuck(); drawGrid(); drawStats();
  document.body.dataset.version = room.version;
}
function connect() {
  const feed = new EventSource('/api/events');
  feed.addEventListener('room', (e) => { room = JSON.parse(e.data); draw();
    $('live').textContent = T.live; $('live').className = 'on'; });
  feed.onerror = () => { $('live').textContent = T.offline; $('live').className = ''; };
}
$('sort').onchange = () => room && drawGrid();
$('big').onclick = () => { document.body.classList.toggle('big');
  localStorage.setItem('conclab-big', document.body.classList.contains('big') ? '1' : ''); };
if (localStorage.getItem('conclab-big')) document.body.classList.add('big');
$('rotate').onclick = async () => {
  const r = await fetch('/api/rotate-code', {method: 'POST', headers: {'X-Conclab': '1'}});
  if (r.ok && room) { room.join_code = (await r.json()).join_code; draw(); }
};
connect();
"""


def login_page(lang: str, *, failed: bool = False) -> str:
    error = f'<p role="alert" style="color:#c62828">{_t("wrong", lang)}</p>' if failed else ""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_t("title", lang)}</title><style>{STYLE}</style></head>
<body><h1>{_t("login", lang)}</h1>{error}
<form method="post" action="/login?lang={lang}">
<label>{_t("token", lang)}<br><input name="token" type="password" autocomplete="current-password"
 required style="font:inherit;width:min(30em,100%)"></label>
<p><button type="submit">{_t("enter", lang)}</button></p></form></body></html>
"""


def dashboard_page(lang: str) -> str:
    """The room page in ``lang``; it draws itself from the live feed."""
    other = "en" if lang == "ja" else "ja"
    text = json.dumps({key: TEXT.get(key, lang) for key in TEXT.table}, ensure_ascii=False)
    text = text.replace("</", "<\\/")  # no "</script>" can end the data early
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_t("title", lang)}</title><style>{STYLE}</style></head>
<body>
<header><h1>{_t("title", lang)}</h1><span id="live">…</span>
<button id="big" type="button">{_t("big", lang)}</button>
<a class="button" href="/?lang={other}">{"English" if lang == "ja" else "日本語"}</a>
<a class="button" href="/export.csv">{_t("csv", lang)}</a>
<form method="post" action="/logout" style="display:inline"><button>{_t("logout", lang)}</button></form>
</header>
<p>{_t("join", lang)}: <code class="join" id="code">…</code>
<button id="rotate" type="button">{_t("rotate", lang)}</button></p>
<h2>{_t("stuck-title", lang)}</h2><ul class="stuck" id="stuck"></ul>
<h2>{_t("grid-title", lang)} <label class="muted">{_t("sort", lang)}
<select id="sort"><option value="stuck">{_t("by-stuck", lang)}</option>
<option value="name">{_t("by-name", lang)}</option>
<option value="progress">{_t("by-progress", lang)}</option></select></label></h2>
<p id="nobody" class="muted" hidden>{_t("nobody", lang)}</p>
<div class="scroll"><table class="grid" id="grid"></table></div>
<p class="muted">{_t("legend", lang)}<br><span id="rule"></span></p>
<h2>{_t("exercises-title", lang)}</h2>
<div class="scroll"><table class="stats"><thead><tr><th>{_t("exercise", lang)}</th>
<th>{_t("pass-rate", lang)}</th><th>{_t("stuck", lang)}</th><th>{_t("common", lang)}</th></tr></thead>
<tbody id="stats"></tbody></table></div>
<script type="application/json" id="text">{text}</script>
<script>{SCRIPT}</script>
</body></html>
"""
