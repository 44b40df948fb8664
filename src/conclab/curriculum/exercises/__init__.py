"""The exercises: one folder each, loaded by :func:`catalogue` from this package.

A folder ``<name>/`` (snake_case; the exercise's id is the name in kebab-case)
holds ``starter.py`` (what the learner starts from, written to ``<name>.py``
in the workspace), ``solution.py`` (the reference), ``wrong_*.py`` (realistic
mistakes the tests prove the check rejects), ``checks.py`` (the
``check(ctx)`` function and ``EXERCISE = ExerciseSpec(...)``: chapter, order,
titles, time limit, data files), and ``statement.{en,ja}.md`` and
``hints.{en,ja}.md`` (hints separated by lines of ``---``, from a nudge to
nearly the answer). A new exercise is one new folder.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from conclab.curriculum.exercises._spec import ExerciseSpec
from conclab.exercises import Catalogue, Exercise
from conclab.i18n import LANGS, Messages
from conclab.text import SIDECAR, read_sidecar

ROOT = Path(__file__).parent


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def _hints(folder: Path) -> tuple[dict[str, str], ...]:
    by_lang = {lang: [part.strip() for part in _read(folder, f"hints.{lang}.md").split("\n---\n")
                      if part.strip()] for lang in LANGS}
    count = min(len(parts) for parts in by_lang.values())
    return tuple({lang: by_lang[lang][i] for lang in LANGS} for i in range(count))


def _translations(folder: Path) -> dict[str, dict[str, str]]:
    """The comments and docstrings of starter and solution in each language that has a sidecar."""
    found = {}
    for lang in LANGS:
        path = folder / SIDECAR.format(lang=lang)
        if lang != "en" and path.is_file():
            found[lang] = read_sidecar(path.read_text(encoding="utf-8"))
    return found


def exercise_id(folder: Path) -> str:
    """The exercise's id: its folder's name in the command line's kebab-case (``fix-counter-race``)."""
    return folder.name.replace("_", "-")


def load_exercise(folder: Path) -> Exercise:
    """Build one :class:`Exercise` from its folder and the ``EXERCISE`` its ``checks.py`` declares."""
    module = importlib.import_module(f"{__name__}.{folder.name}.checks")
    spec = module.EXERCISE
    if not isinstance(spec, ExerciseSpec):
        raise TypeError(f"{folder.name}/checks.py: EXERCISE must be an ExerciseSpec, not {type(spec).__name__}")
    return Exercise(
        id=exercise_id(folder),
        chapter=spec.chapter,
        file_name=f"{folder.name}.py",
        title=spec.title,
        summary=spec.summary,
        statement={lang: _read(folder, f"statement.{lang}.md") for lang in LANGS},
        hints=_hints(folder),
        starter=_read(folder, "starter.py"),
        solution=_read(folder, "solution.py"),
        wrong={path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("wrong_*.py"))},
        check=spec.check,
        data_files=spec.data_files,
        limit_s=spec.limit_s,
        order=spec.order,
        translations=_translations(folder),
    )


def exercise_folders() -> list[Path]:
    return sorted(p for p in ROOT.iterdir() if p.is_dir() and (p / "checks.py").is_file())


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """Every exercise, in the order of the chapters."""
    from conclab.curriculum.chapters import CHAPTERS

    return Catalogue([load_exercise(folder) for folder in exercise_folders()],
                     {chapter.id: chapter.number for chapter in CHAPTERS})


README = Messages({
    "readme": {
        "en": """# conclab exercises

Each `*.py` file here is one exercise. Edit it until conclab says it passes.

    conclab check              check the next unfinished exercise
    conclab check NAME         check one exercise (e.g. conclab check find_primes_parallel)
    conclab watch              check again every time you save
    conclab hint NAME          one more hint each time
    conclab reset NAME         start the file again (your version is kept in .conclab/backups)
    conclab solution NAME      the reference solution, once you have passed
    conclab progress           what you have done so far

Your program always runs in its own process with a time limit: if it hangs,
conclab stops it and shows where each thread was waiting.

Exercises:
{exercises}
""",
        "ja": """# conclab の演習

このフォルダーの `*.py` ファイルが 1 つずつの演習です。conclab が合格と言うまで編集してください。

    conclab check              まだ合格していない次の演習をチェック
    conclab check 名前         1 つの演習をチェック（例: conclab check find_primes_parallel）
    conclab watch              保存するたびに自動でチェック
    conclab hint 名前          呼ぶたびにヒントを 1 つずつ表示
    conclab reset 名前         ファイルを最初の状態に戻す（今の版は .conclab/backups に残ります）
    conclab solution 名前      合格したあとで模範解答を表示
    conclab progress           ここまでの進み具合

プログラムは毎回、制限時間つきの別プロセスで実行されます。止まってしまっても、
conclab が停止させて、各スレッドがどこで待っていたかを表示します。

演習:
{exercises}
""",
    },
})


def readme(lang: str) -> str:
    """The workspace README in the learner's language, listing every exercise."""
    from conclab.i18n import pick

    lines = [f"- `{e.file_name}`: {pick(e.summary, lang)}" for e in catalogue()]
    return README.get("readme", lang, exercises="\n".join(lines))
