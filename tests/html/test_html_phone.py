"""The lab page and the report on a phone: 390 px wide (inside an iframe, since headless
Chromium will not lay a window out narrower than 500 px) and on a laptop (1280 px).

Nothing may be wider than the viewport except inside a box that scrolls sideways
(code, tables, the timeline), and timeline labels must stay at least 10 px high.
Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from html_helpers import ARTIFACTS, _run, requires_chromium

from conftest import invoke

pytestmark = requires_chromium

MEASURE = """
<pre id="result">pending</pre>
<script>
window.addEventListener('load', function () {
  var frame = document.getElementById('page');
  var doc = frame.contentDocument, win = frame.contentWindow, width = frame.clientWidth;
  function scrolls(el) {
    for (var up = el.parentElement; up; up = up.parentElement) {
      var o = win.getComputedStyle(up).overflowX;
      if ((o === 'auto' || o === 'scroll') && up.clientWidth <= width) { return true; }
    }
    return false;
  }
  var wide = [];
  doc.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5 && !scrolls(el)) { wide.push(el.tagName + '.' + el.className + ':' + Math.round(r.right) + ':' + (el.textContent || '').slice(0, 30)); }
  });
  var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT), node;
  while ((node = walker.nextNode())) {  // text that runs out of its box counts too
    var range = doc.createRange(); range.selectNodeContents(node);
    var box = range.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !scrolls(node.parentElement)) {
      wide.push('text:' + Math.round(box.right) + ':' + node.textContent.slice(0, 40));
    }
  }
  var cjk = /[\\u3040-\\u30ff\\u3400-\\u9fff\\uff00-\\uffef]/, midPhrase = [];
  walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  while ((node = walker.nextNode())) {  // a line that breaks inside a text node breaks inside a phrase
    var text = node.textContent;
    if (!cjk.test(text) || node.parentElement.closest('pre, code, svg, script, style')) { continue; }
    var top = null;
    for (var i = 0; i < text.length; i++) {
      var r = doc.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      var rect = r.getBoundingClientRect();
      if (rect.height === 0) { continue; }
      if (top !== null && rect.top > top + rect.height / 2 && !/\\s/.test(text[i - 1] + text[i])
          && (cjk.test(text[i - 1]) || cjk.test(text[i])) && '）」』、。'.indexOf(text[i - 1]) < 0) {
        midPhrase.push(text.slice(Math.max(0, i - 20), i) + '/' + text.slice(i, i + 20));
      }
      top = rect.top;
    }
  }
  var labels = [];
  doc.querySelectorAll('.cl-timeline text').forEach(function (t) { labels.push(t.getBoundingClientRect().height); });
  document.getElementById('result').textContent = JSON.stringify({
    pageWidth: doc.documentElement.scrollWidth, width: width, wide: wide.slice(0, 20), midPhrase: midPhrase,
    smallestLabel: labels.length ? Math.min.apply(null, labels) : null});
});
</script>
"""


def _measure(page: Path, width: int, shot: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="conclab-phone-") as folder:
        wrapper = Path(folder) / "frame.html"
        wrapper.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe id="page" src="{page.as_uri()}" '
                           f'width="{width}" height="2400" style="border:0"></iframe>{MEASURE}</body></html>',
                           encoding="utf-8")
        profile = os.path.join(folder, "profile")
        flags = ["--allow-file-access-from-files", "--virtual-time-budget=3000"]
        result = _run([*flags, "--dump-dom", wrapper.as_uri()], profile)
        assert result.returncode == 0, result.stderr[-2000:]
        ARTIFACTS.mkdir(exist_ok=True)
        _run([*flags, f"--window-size={max(width, 500) + 10},2400", f"--screenshot={ARTIFACTS / shot}",
              wrapper.as_uri()], profile + "-shot")
    found = re.search(r'<pre id="result">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stdout[-500:]
    return json.loads(found.group(1).replace("&quot;", '"'))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("phone")
    made = {}
    for lang in ("en", "ja"):
        made[f"lab-{lang}"] = folder / f"cpu-gil-{lang}.html"
        result = invoke("run", "io-threads", "--quick", "--lang", lang, "--html", str(made[f"lab-{lang}"]))
        assert result.exit_code in (0, 1), result.output
    made["report-ja"] = folder / "report-ja.html"
    result = invoke("report", "--quick", "--chapter", "threads-io", "--lang", "ja", "--html", str(made["report-ja"]))
    assert result.exit_code in (0, 1), result.output
    return made


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["lab-en", "lab-ja", "report-ja"])
def test_nothing_overflows_and_labels_stay_legible(pages: dict[str, Path], name: str, width: int) -> None:
    measured = _measure(pages[name], width, f"{name}-{width}.png")
    assert measured["wide"] == [], measured
    assert measured["pageWidth"] <= width, measured
    assert measured["smallestLabel"] is not None and measured["smallestLabel"] >= 10, measured
    if name.endswith("-ja"):  # Japanese breaks between BudouX phrases, never inside one (「スレッ/ド」)
        assert measured["midPhrase"] == [], measured["midPhrase"]
