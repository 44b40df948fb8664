"""Run a lab somewhere else: on a Dask scheduler the learner names, or under another interpreter.

``conclab run LAB --scheduler ADDRESS`` hands the address to the Dask lessons
through :data:`SCHEDULER_ENV` (so a learner can also set it in their shell);
``conclab run LAB --python PATH`` and ``conclab compare`` run ``conclab`` itself
under another Python, from conclab's own path, installing nothing into it.
Everything a user can get wrong here is checked up front and said in one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import site
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conclab.errors import ConclabError

#: Where the Dask lessons read the scheduler's address (``--scheduler`` sets it for the run).
SCHEDULER_ENV = "CONCLAB_DASK_SCHEDULER"
#: The oldest Python conclab runs on.
OLDEST = (3, 10)


def check_scheduler_address(address: str, allow_remote: bool = False, timeout_s: float = 2.0) -> str:
    """``tcp://HOST:PORT`` for a scheduler that answers; loopback only unless ``allow_remote``."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None or port == 0:
        raise ConclabError(f"bad scheduler address {address!r}: give tcp://HOST:PORT, "
                           "as 'dask scheduler' prints it (e.g. tcp://127.0.0.1:8786)",
                           ja=f"スケジューラーのアドレス {address!r} が正しくありません。'dask scheduler' が表示するとおり、tcp://HOST:PORT の形で指定してください（例: tcp://127.0.0.1:8786）")
    from conclab.services import is_loopback_host

    host = parts.hostname
    if not allow_remote and not is_loopback_host(host):
        raise ConclabError(f"the scheduler {host} is not this machine's loopback; add --allow-remote "
                           "to use a cluster on other machines (only one you own)",
                           ja=f"スケジューラー {host} はこのマシンのループバックではありません。ほかのマシンのクラスター（自分のものだけ）を使うには --allow-remote を付けてください")
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as error:
        raise ConclabError(f"no Dask scheduler answers at tcp://{host}:{port} ({error.strerror or error}); "
                           "start one with 'dask scheduler' or leave out --scheduler",
                           ja=f"tcp://{host}:{port} で応答する Dask のスケジューラーがありません（{error.strerror or error}）。'dask scheduler' で起動するか、--scheduler を外してください") from None
    return f"tcp://{host}:{port}"


@contextlib.contextmanager
def scheduler_for_run(address: str | None) -> Iterator[None]:
    """Set :data:`SCHEDULER_ENV` for the block (and for children), then put it back."""
    if address is None:
        yield
        return
    before = os.environ.get(SCHEDULER_ENV)
    os.environ[SCHEDULER_ENV] = address
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SCHEDULER_ENV, None)
        else:
            os.environ[SCHEDULER_ENV] = before


def _pyenv_candidates(name: str) -> list[Path]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if not root.is_dir():
        return []
    return sorted((version / "bin" / name for version in root.iterdir()), reverse=True)


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=20, env=_plain_env())
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    with contextlib.suppress(ValueError):
        major, minor = (int(x) for x in done.stdout.split()[:2])
        return major, minor
    return None


def resolve_python(name: str) -> str:
    """The path of a working interpreter called ``name`` (a path, a name on PATH, or a pyenv version)."""
    candidates: list[str] = []
    if os.sep in name or (os.altsep and os.altsep in name):
        candidates.append(name)
    else:
        found = shutil.which(name)
        candidates += [found] if found else []
        candidates += [str(p) for p in _pyenv_candidates(name) if p.is_file()]
    for candidate in candidates:
        version = _version_of(candidate)
        if version is None:
            continue
        if version < OLDEST:
            raise ConclabError(f"{name} is Python {version[0]}.{version[1]}; conclab needs "
                               f"{OLDEST[0]}.{OLDEST[1]} or newer",
                               ja=f"{name} は Python {version[0]}.{version[1]} です。conclab には {OLDEST[0]}.{OLDEST[1]} 以降が必要です")
        return str(Path(candidate).absolute())
    if candidates == [name]:
        raise ConclabError(f"no Python interpreter that runs at {name!r}; give the path of one, "
                           "or a name such as python3.12",
                           ja=f"{name!r} で動く Python のインタープリターがありません。インタープリターのパスか、python3.12 のような名前を指定してください")
    raise ConclabError(f"no Python interpreter {name!r} that runs here (looked on PATH and in pyenv); "
                       "give its full path",
                       ja=f"ここで動く Python のインタープリター {name!r} が見つかりません（PATH と pyenv を探しました）。フルパスで指定してください")


def _plain_env() -> dict[str, str]:
    """This environment without what would point another interpreter at this one's libraries."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def child_path() -> list[str]:
    """Where conclab and its dependencies are for this interpreter: the path another one borrows."""
    import conclab

    here = [str(Path(conclab.__file__).resolve().parent.parent)]
    paths = sysconfig.get_paths()
    sites = [*site.getsitepackages(), paths["purelib"], paths["platlib"]]
    if site.ENABLE_USER_SITE:
        sites.append(site.getusersitepackages())
    return list(dict.fromkeys(p for p in here + sites if os.path.isdir(p)))


def child_env(width: int | None = None) -> dict[str, str]:
    """The environment of ``conclab`` run under another interpreter."""
    env = _plain_env()
    env["PYTHONPATH"] = os.pathsep.join(child_path())
    env["PYTHONNOUSERSITE"] = "1"
    if width:
        env["COLUMNS"] = str(width)
    return env


def preflight(python: str) -> None:
    """Fail in one line when ``python`` cannot import conclab from here (a compiled dependency, say)."""
    done = subprocess.run([python, "-c", "import conclab.cli, conclab.curriculum"],
                          capture_output=True, text=True, timeout=60, env=child_env())
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise ConclabError(f"{python} cannot run conclab from this installation ({last}); "
                           f"install it there: {python} -m pip install conclab",
                           ja=f"{python} では、このインストールの conclab を動かせません（{last}）。そちらにインストールしてください: {python} -m pip install conclab")


def conclab_argv(python: str, args: Sequence[str]) -> list[str]:
    return [python, "-m", "conclab", *args]


def run_json(python: str, args: Sequence[str], timeout_s: float = 600.0) -> dict[str, Any]:
    """Run ``conclab ARGS --json`` under ``python``; its JSON document (exit 0 or 1 both give one)."""
    from conclab._process import launch

    out: list[str] = []
    err: list[str] = []
    with launch(conclab_argv(python, [*args, "--json"]), cwd=os.getcwd(), env=child_env(),
                on_stdout=lambda _t, line: out.append(line),
                on_stderr=lambda _t, line: err.append(line)) as tree:
        code = tree.wait(timeout_s)
    if code not in (0, 1):
        last = (err or ["(no message)"])[-1].strip()
        raise ConclabError(f"conclab under {python} stopped with exit {code}: {last}",
                           ja=f"{python} の conclab が終了コード {code} で止まりました: {last}")
    try:
        return dict(json.loads("".join(out)))
    except ValueError:
        raise ConclabError(f"conclab under {python} printed no JSON result",
                           ja=f"{python} の conclab は JSON の結果を出力しませんでした") from None


def run_passthrough(python: str, args: Sequence[str], width: int | None = None) -> int:
    """Run ``conclab ARGS`` under ``python``, its output on ours; its exit code."""
    from conclab._process import launch

    def echo(stream: Any) -> Any:
        def sink(_t: float, line: str) -> None:
            stream.write(line if line.endswith("\n") else line + "\n")
            stream.flush()
        return sink

    with launch(conclab_argv(python, args), cwd=os.getcwd(), env=child_env(width),
                on_stdout=echo(sys.stdout), on_stderr=echo(sys.stderr)) as tree:
        code = tree.wait(3600.0)
    return 2 if code is None else code
