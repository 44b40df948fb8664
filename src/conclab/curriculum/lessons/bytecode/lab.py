"""Lab ``bytecode``: ``dis`` of ``x += 1`` in the running interpreter, and what "atomic" means.

Opcode names change between Python versions (``INPLACE_ADD`` up to 3.10,
``BINARY_OP +=`` from 3.11, ``LOAD_FAST_LOAD_FAST`` in 3.13...), so nothing
here hard-codes them: each instruction is given a *role* (read, add, write,
other) from what it does, and the claims are about the roles. The values in
memory between instructions are observed with an opcode trace, not assumed.
"""

from __future__ import annotations

import dis
import sys
from collections.abc import Callable, Sequence
from typing import Any

from conclab.curriculum.lessons.bytecode import example
from conclab.lab import Claim, Lab, LabContext, Measured

READ, ADD, WRITE, OTHER = "read", "add", "write", "other"

_NAMED_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_ATTR", "LOAD_DEREF", "LOAD_CLASSDEREF"}
_NAMED_STORES = {"STORE_GLOBAL", "STORE_NAME", "STORE_ATTR", "STORE_DEREF"}
_SHUFFLES = {"COPY", "SWAP", "DUP_TOP", "DUP_TOP_TWO", "ROT_TWO", "ROT_THREE", "ROT_FOUR"}

ROLE_TEXT = {
    READ: {"en": "read the old value", "ja": "古い値を読む"},
    ADD: {"en": "add (the result stays inside the thread)", "ja": "足す（結果はまだスレッドの中だけ）"},
    WRITE: {"en": "write the new value back", "ja": "新しい値を書き戻す"},
}
OTHER_TEXT = {
    "shuffle": {"en": "stack bookkeeping", "ja": "スタックの並べ替え"},
    "constant": {"en": "push the constant", "ja": "定数を積む"},
    "object": {"en": "push the object or key", "ja": "オブジェクトやキーを積む"},
    "frame": {"en": "function start or return", "ja": "関数の開始や戻り"},
}


def role(instruction: dis.Instruction, target: str) -> str:
    """What ``instruction`` does to ``target`` (a variable or attribute name, or "[]" for an item)."""
    name, argval, argrepr = instruction.opname, instruction.argval, instruction.argrepr
    if (name in _NAMED_LOADS and argval == target) or (
            target == "[]" and (name == "BINARY_SUBSCR" or (name == "BINARY_OP" and argrepr == "[]"))):
        return READ
    if name in {"INPLACE_ADD", "BINARY_ADD"} or (name == "BINARY_OP" and argrepr in {"+=", "+"}):
        return ADD
    if (name in _NAMED_STORES and argval == target) or (target == "[]" and name == "STORE_SUBSCR"):
        return WRITE
    return OTHER


def other_kind(instruction: dis.Instruction) -> str:
    """A few words for an instruction that neither reads, adds nor writes the target."""
    name = instruction.opname
    if name in _SHUFFLES:
        return "shuffle"
    if name in {"LOAD_CONST", "LOAD_SMALL_INT"}:
        return "constant"
    if name.startswith("LOAD_"):
        return "object"
    return "frame"


def roles(function: Callable[..., Any], target: str) -> list[tuple[dis.Instruction, str]]:
    return [(i, role(i, target)) for i in dis.get_instructions(function)]


def in_order(found: Sequence[tuple[dis.Instruction, str]]) -> bool:
    """True when there is one read, then one add, then one write, as separate instructions."""
    sequence = [r for _, r in found if r != OTHER]
    return sequence == [READ, ADD, WRITE]


def window(steps: Sequence[tuple[str, Any]], read_op: str | None) -> tuple[int, Any, str]:
    """From an opcode trace: boundaries between reading and writing, the old value, the writer.

    ``steps[i]`` is (instruction about to run, shared value before it). The
    instruction that changes the value is the write; the read is the first
    ``read_op`` before it, or the write itself when the read happens inside
    the same instruction. The answer counts the boundaries after the read
    and up to the write at which memory still held the old value.
    """
    for index in range(len(steps) - 1):
        if steps[index + 1][1] != steps[index][1]:
            write = index
            break
    else:
        return -1, None, "?"
    read = write
    if read_op is not None:
        read = next((i for i in range(write + 1) if steps[i][0] == read_op), write)
    old = steps[write][1]
    held_old = sum(1 for i in range(read + 1, write + 1) if steps[i][1] == old)
    return held_old, old, steps[write][0]


FORMS = (
    ("global", "counter += 1", example.bump, "counter"),
    ("attr", "self.count += 1", example.Page.bump, "count"),
    ("item", 'hits["/"] += 1', example.bump_page, "[]"),
)


def run(ctx: LabContext) -> None:
    ctx.measured["python"] = ".".join(map(str, sys.version_info[:3]))
    found = _disassemble(ctx)
    _stop_at_each_instruction(ctx, found)


def _disassemble(ctx: LabContext) -> dict[str, list[tuple[dis.Instruction, str]]]:
    """Each form's instructions with their roles (read, add, write), shown as two tables."""
    m = ctx.measured
    with ctx.measure("disassemble", label={"ja": "逆アセンブル"}):
        found = {key: roles(function, target) for key, _, function, target in FORMS}
    for key, _, _, _ in FORMS:
        named = {r: i.opname + (f" {i.argrepr}" if r == ADD and i.argrepr else "")
                 for i, r in found[key] if r != OTHER}
        m[f"{key}_count"] = len(found[key])
        m[f"{key}_in_order"] = in_order(found[key])
        for r in (READ, ADD, WRITE):
            m[f"{key}_{r}"] = named.get(r, "-")

    def describe(instruction: dis.Instruction, r: str) -> str:
        return ctx.text(ROLE_TEXT[r] if r != OTHER else OTHER_TEXT[other_kind(instruction)])

    ctx.table(
        {"en": f"counter += 1 on Python {m['python']} (dis)",
         "ja": f"Python {m['python']} での counter += 1（dis）"},
        [{"en": "#", "ja": "#"}, {"en": "instruction", "ja": "命令"},
         {"en": "argument", "ja": "引数"}, {"en": "what it does", "ja": "していること"}],
        [[n, i.opname, i.argrepr, describe(i, r)] for n, (i, r) in enumerate(found["global"], 1)],
    )
    ctx.table(
        {"en": "Three ways to write an increment", "ja": "インクリメントの 3 つの書き方"},
        [{"en": "code", "ja": "コード"}, {"en": "read", "ja": "読む"}, {"en": "add", "ja": "足す"},
         {"en": "write", "ja": "書く"}, {"en": "instructions", "ja": "命令数"}],
        [[code, m[f"{key}_read"], m[f"{key}_add"], m[f"{key}_write"], m[f"{key}_count"]]
         for key, code, _, _ in FORMS],
    )
    return found


def _stop_at_each_instruction(ctx: LabContext, found: dict[str, list[tuple[dis.Instruction, str]]]) -> None:
    """Run bump() and take() one instruction at a time and show the memory between them."""
    m = ctx.measured
    read_op = next(i.opname for i, r in found["global"] if r == READ) if m["global_in_order"] else None
    with ctx.trace(example, "watch"):
        example.counter = 0
        bump_steps = example.watch(example.bump, lambda: example.counter)
        ticket_steps = example.watch(example.take, lambda: repr(example.ticket))
    m["bump_window"], m["bump_old"], m["bump_writer"] = window(bump_steps, read_op)
    m["take_window"], m["take_old"], m["take_writer"] = window(ticket_steps, None)
    m["bump_traced"] = len(bump_steps)

    def trace_rows(steps: Sequence[tuple[str, Any]], read: str | None, old: Any) -> list[list[Any]]:
        rows, reading = [], False
        for opname, value in steps:
            mark = ""
            if reading and value == old:
                mark = ctx.text({"en": "old value read, new one not written yet",
                                 "ja": "古い値は読んだが、新しい値はまだ書いていない"})
            if opname == read:
                reading = True
            if value != old:
                reading = False
            rows.append([opname, value, mark])
        return rows

    ctx.table(
        {"en": "bump(), stopped before each instruction", "ja": "bump() を命令ごとに止めて見る"},
        [{"en": "next instruction", "ja": "次の命令"}, {"en": "counter in memory", "ja": "メモリ上の counter"},
         {"en": "", "ja": ""}],
        trace_rows(bump_steps, read_op, m["bump_old"]),
    )
    ctx.table(
        {"en": "take() = next(ticket), stopped before each instruction",
         "ja": "take() = next(ticket) を命令ごとに止めて見る"},
        [{"en": "next instruction", "ja": "次の命令"}, {"en": "ticket in memory", "ja": "メモリ上の ticket"}],
        [[opname, value] for opname, value in ticket_steps],
    )


def every_form_splits(m: Measured) -> bool:
    return bool(m["attr_in_order"] and m["item_in_order"])


LAB = Lab(
    id="bytecode",
    chapter="races",
    order=3,
    title={"en": "x += 1 in bytecode: why an increment is not atomic",
           "ja": "バイトコードで見る x += 1: インクリメントがアトミックでない理由"},
    summary={"en": "dis shows this interpreter's read, add and write; between them the old value is still in memory.",
             "ja": "dis で、この処理系での「読む・足す・書く」を見る。その間、メモリには古い値が残っている。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("increment-is-three-steps",
              {"en": "On Python {python}, counter += 1 is {global_count} instructions: it reads with "
                     "{global_read}, adds with {global_add} and writes with {global_write}, three separate steps.",
               "ja": "Python {python} では counter += 1 は {global_count} 個の命令になります。{global_read} で読み、{global_add} で足し、{global_write} で書きます。3 つは別々の手順です。"},
              lambda m: bool(m["global_in_order"]),
              uses=("python", "global_count", "global_read", "global_add", "global_write"),
              sensitive_to=(),
              not_held={"en": "On Python {python}, counter += 1 is {global_count} instructions, but they were not found as a read, an add and a write in that order.",
                        "ja": "Python {python} では counter += 1 は {global_count} 個の命令でしたが、「読む・足す・書く」の順に並ぶ命令としては見つかりませんでした。"}),
        Claim("every-form-splits",
              {"en": "self.count += 1 ({attr_read} ... {attr_write}) and hits[\"/\"] += 1 "
                     "({item_read} ... {item_write}) split into read, add and write the same way.",
               "ja": "self.count += 1（{attr_read} … {attr_write}）も hits[\"/\"] += 1（{item_read} … {item_write}）も、同じように「読む・足す・書く」に分かれます。"},
              every_form_splits,
              uses=("attr_read", "attr_write", "item_read", "item_write"), sensitive_to=(),
              not_held={"en": "self.count += 1 and hits[\"/\"] += 1 were not both found split into read, add and write on this interpreter.",
                        "ja": "このインタープリターでは、self.count += 1 と hits[\"/\"] += 1 の両方が「読む・足す・書く」に分かれているとは確かめられませんでした。"}),
        Claim("old-value-between-steps",
              {"en": "Stopped before each instruction of bump(), memory still held counter = {bump_old} at "
                     "{bump_window} points after the read and before {bump_writer} wrote: an intermediate "
                     "state another thread could see or overwrite.",
               "ja": "bump() を命令ごとに止めると、読んだ後から {bump_writer} が書くまでの {bump_window} か所で、メモリ上の counter は {bump_old} のままでした。ほかのスレッドから見えたり、上書きされたりしうる途中の状態です。"},
              lambda m: m["bump_window"] >= 1, uses=("bump_window", "bump_old", "bump_writer"),
              sensitive_to=(),
              not_held={"en": "Stopped before each instruction of bump(), no point was found after the read and before the write where memory still held the old value ({bump_window} points).",
                        "ja": "bump() を命令ごとに止めても、読んだ後から書くまでのあいだにメモリ上の値が古いままの箇所は見つかりませんでした（{bump_window} か所）。"}),
        Claim("next-is-one-step",
              {"en": "next(ticket) read, added and wrote inside one instruction ({take_writer}): "
                     "{take_window} points with a half-done update.",
               "ja": "next(ticket) は 1 つの命令（{take_writer}）の中で読み・足し・書きを終えました。更新が途中の状態で止まれた箇所は {take_window} か所です。"},
              lambda m: m["take_window"] == 0, uses=("take_window", "take_writer"), sensitive_to=(),
              not_held={"en": "next(ticket) left {take_window} points with a half-done update ({take_writer}): not one step on this interpreter.",
                        "ja": "next(ticket) には更新が途中の状態で止まれる箇所が {take_window} か所ありました（{take_writer}）。このインタープリターでは 1 つの手順ではありませんでした。"}),
    ),
)
