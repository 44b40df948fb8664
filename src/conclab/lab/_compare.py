"""One table for the same lab run under several interpreters: each claim and the figures it used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conclab.i18n import Messages

MESSAGES = Messages({
    "title": {"en": "{lab} under {count} interpreters", "ja": "{lab} を {count} 個のインタープリターで"},
    "python": {"en": "Python", "ja": "Python"},
    "build": {"en": "build", "ja": "ビルド"},
    "gil-on": {"en": "GIL on", "ja": "GIL 有効"},
    "gil-off": {"en": "GIL off", "ja": "GIL 無効"},
    "free-threaded": {"en": "free-threaded, ", "ja": "フリースレッド版、"},
    "cores": {"en": "cores", "ja": "コア数"},
    "claims": {"en": "claims", "ja": "主張"},
    "figures": {"en": "figures", "ja": "計測値"},
    "held": {"en": "held", "ja": "成立"},
    "not-held": {"en": "NOT held", "ja": "不成立"},
    "n/a": {"en": "n/a", "ja": "対象外"},
    "what": {"en": "what", "ja": "項目"},
})


def verdict(held: bool | None, lang: str) -> str:
    return MESSAGES.get("held" if held else "n/a" if held is None else "not-held", lang)


def figure(value: Any) -> str:
    """A measured value, short: 3 significant figures for floats."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    return f"{value:.3g}"


def build(result: Mapping[str, Any], lang: str) -> str:
    gil = MESSAGES.get("gil-on" if result.get("gil", True) else "gil-off", lang)
    return (MESSAGES.get("free-threaded", lang) if result.get("free_threaded") else "") + gil


def compare_rows(results: Sequence[Mapping[str, Any]], lang: str) -> list[tuple[str, list[str], str]]:
    """(label, one cell per interpreter, style) rows: the machine, each claim, each figure a claim used."""
    rows: list[tuple[str, list[str], str]] = [
        (MESSAGES.get("python", lang), [str(r.get("python", "?")) for r in results], "bold"),
        (MESSAGES.get("build", lang), [build(r, lang) for r in results], ""),
        (MESSAGES.get("cores", lang), [str(r.get("cores", "?")) for r in results], ""),
        (MESSAGES.get("claims", lang), ["" for _ in results], "bold"),
    ]
    claim_ids = list(dict.fromkeys(c["id"] for r in results for c in r.get("claims", [])))
    by_id = [{c["id"]: c for c in r.get("claims", [])} for r in results]
    for claim_id in claim_ids:
        cells = [verdict(claims[claim_id]["held"], lang) if claim_id in claims else "-" for claims in by_id]
        rows.append((f"  {claim_id}", cells, ""))
    rows.append((MESSAGES.get("figures", lang), ["" for _ in results], "bold"))
    keys = list(dict.fromkeys(k for r in results for c in r.get("claims", []) for k in c.get("measured", {})))
    for key in keys:
        cells = []
        for claims in by_id:
            values = [c["measured"][key] for c in claims.values() if key in c.get("measured", {})]
            cells.append(figure(values[0]) if values else "-")
        rows.append((f"  {key}", cells, ""))
    return rows


def compare_table(lab_id: str, results: Sequence[Mapping[str, Any]], labels: Sequence[str], lang: str) -> Any:
    """A rich Table: a column per interpreter (``labels``), the rows of :func:`compare_rows`."""
    from rich.table import Table

    table = Table(title=MESSAGES.get("title", lang, lab=lab_id, count=len(results)), title_justify="left")
    table.add_column(MESSAGES.get("what", lang), overflow="fold")
    for label in labels:
        table.add_column(label, overflow="fold")
    for label, cells, style in compare_rows(results, lang):
        styled = [f"[red]{c}[/red]" if c == MESSAGES.get("not-held", lang) else c for c in cells]
        table.add_row(label, *styled, style=style or None)
    return table


def any_failed(results: Sequence[Mapping[str, Any]]) -> bool:
    return any(c.get("held") is False for r in results for c in r.get("claims", []))
