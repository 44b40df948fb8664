"""Helpers for the HTML tests: read spans and lanes out of a page, and open it in headless Chromium.

Chromium runs with every flag that keeps it off the network (and a resolver
that resolves nothing), so a page that tried to fetch anything would show it
as a console error rather than quietly work online.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]

#: Put first in <head> of a copy of the page: every error and console.error lands in the DOM.
ERROR_TRAP = """<script>
(function () {
  var errors = [];
  var save = function (text) {
    errors.push(String(text));
    document.documentElement.setAttribute('data-test-errors', JSON.stringify(errors));
  };
  document.documentElement.setAttribute('data-test-errors', '[]');
  window.addEventListener('error', function (e) { save(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))); }, true);
  window.addEventListener('unhandledrejection', function (e) { save('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () { save(Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
})();
</script>"""


@dataclass
class PageElements:
    """What the tests look for in a page: lanes, bars, claims, anchors."""

    lanes: list[str] = field(default_factory=list)
    bars: list[dict[str, str]] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    errors: list[str] | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found = PageElements()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "g" and "cl-lane" in classes:
            self.found.lanes.append(a["data-lane"])
        elif tag == "rect" and "cl-bar" in classes:
            self.found.bars.append(a)
        elif tag == "li" and "cl-claim" in classes:
            self.found.claims[a["data-claim"]] = a["data-held"]
        elif tag == "article" and "cl-lab" in classes:
            self.found.articles.append(a["data-lab"])
        elif tag == "a" and "href" in a:
            self.found.links.append(a["href"])
        elif tag == "html" and "data-test-errors" in a:
            self.found.errors = json.loads(a["data-test-errors"])


def parse_page(text: str) -> PageElements:
    collector = _Collector()
    collector.feed(text)
    return collector.found


def assert_self_contained(text: str) -> None:
    """Nothing in the page would fetch anything: no src, no link, no url(), no @import."""
    assert not re.search(r"<(img|script|iframe|link|audio|video|source)[^>]*\b(src|href)=", text, re.I)
    assert "<link" not in text.lower()
    assert "url(" not in text.lower()
    assert "@import" not in text.lower()


@dataclass
class BrowserRun:
    dom: str
    console: list[str]
    elements: PageElements


def _run(args: list[str], profile: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHROMIUM), *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def open_in_chromium(page: Path, screenshot: str | None = None, size: str = "1200,2200",
                     dark: bool = False) -> BrowserRun:
    """Load ``page`` (a copy with the error trap) and return its DOM and console messages.

    With ``screenshot`` (a file name), also save a PNG under ``test-artifacts/``.
    """
    text = page.read_text(encoding="utf-8")
    trapped = text.replace("<head>", "<head>\n" + ERROR_TRAP, 1)
    with tempfile.TemporaryDirectory(prefix="conclab-chromium-") as folder:
        copy = Path(folder) / page.name
        copy.write_text(trapped, encoding="utf-8")
        profile = os.path.join(folder, "profile")
        url = copy.as_uri()
        result = _run(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=1500",
                       "--dump-dom", url], profile)
        assert result.returncode == 0, result.stderr[-2000:]
        console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            target = ARTIFACTS / screenshot
            flags = [f"--window-size={size}", f"--screenshot={target}"]
            if dark:
                flags += ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]
            shot = _run([*flags, copy.as_uri()], profile + "-shot")
            assert shot.returncode == 0 and target.exists(), shot.stderr[-2000:]
        shutil.rmtree(profile, ignore_errors=True)
    return BrowserRun(result.stdout, console, parse_page(result.stdout))


# -- one lab run shared by the tests of this folder ---------------------------

_LAB_RUN: dict[str, Path] = {}


def io_threads_run() -> dict[str, Path]:
    """``conclab run io-threads --quick --html --trace`` once per session: page, trace and JSON."""
    if not _LAB_RUN:
        from conftest import invoke

        folder = Path(tempfile.mkdtemp(prefix="conclab-html-tests-"))
        html_path, trace_path = folder / "io-threads.html", folder / "io-threads.json"
        result = invoke("run", "io-threads", "--quick", "--lang", "en", "--html", str(html_path),
                        "--trace", str(trace_path))
        assert result.exit_code in (0, 1), result.output
        _LAB_RUN.update(html=html_path, trace=trace_path)
    return _LAB_RUN


# -- learners' scripts for conclab trace ----------------------------------------

THREE_THREADS = '''
import threading, time

lock = threading.Lock()

def work(n):
    time.sleep(0.02 * n)
    with lock:
        return sum(range(1000))

def main():
    threads = [threading.Thread(target=work, args=(i,), name=f"worker-{i}") for i in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

if __name__ == "__main__":
    main()
'''

PROCESS_POOL = '''
import time
from concurrent.futures import ProcessPoolExecutor

def hello():
    time.sleep(0.005)

def square(n):
    time.sleep(0.02)
    return n * n

def main():
    # The initializer runs once in every worker, so each of the three draws its lane.
    with ProcessPoolExecutor(max_workers=3, initializer=hello) as pool:
        print(list(pool.map(square, range(3))))

if __name__ == "__main__":
    main()
'''

THREE_TASKS = '''
import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name

async def main():
    tasks = [asyncio.create_task(fetch(f"job{i}", 0.02 * (i + 1)), name=f"fetch-{i}") for i in range(3)]
    print(await asyncio.gather(*tasks))

asyncio.run(main())
'''

RAISES = '''
import time

def inner():
    time.sleep(0.01)
    raise ValueError("boom from the learner")

inner()
'''

HANGS = '''
import os, sys, threading, time

def spin():
    time.sleep(120)

with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
t = threading.Thread(target=spin, name="sleeper")
t.start()
t.join()
'''
