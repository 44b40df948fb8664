"""Lab ``pickle-lock``: a bound method holding a multiprocessing.Lock cannot be sent to a Pool."""

from __future__ import annotations

import pickle

from conclab.curriculum.lessons._parallel import start_method
from conclab.curriculum.lessons.pickle_lock import example
from conclab.lab import Claim, Lab, LabContext

MESSAGE = "Lock objects should only be shared between processes through inheritance"


def _pickled(ctx: LabContext, obj: object) -> str:
    """What pickling ``obj`` gives: its size, or the error it raises."""
    try:
        return ctx.text({"en": "{0} bytes", "ja": "{0} バイト"}, len(pickle.dumps(obj)))
    except Exception as error:  # the point of the lab: show whatever pickling raises
        return f"{type(error).__name__}: {error}"


#: One item handled in a worker, as the timeline shows it.
ITEM = {"en": "item {0}", "ja": "要素 {0}"}


def run(ctx: LabContext) -> None:
    m = ctx.measured
    items = list(range(int(ctx.pick(40, 12))))
    expected = [item * 2 for item in items]
    m.update(items=len(items), start_method=start_method())
    m["pickle_function"] = _pickled(ctx, example.process_item)
    m["pickle_method"] = _pickled(ctx, example.ImageProcessor().process)
    with ctx.trace(example, process_item=ITEM, process_counted=ITEM, init_worker="init_worker"):
        with ctx.measure("the-mistake", label={"ja": "間違った渡し方"}):
            try:
                example.the_mistake(items)
                m["mistake_error"] = None
            except RuntimeError as error:
                m["mistake_error"] = f"{type(error).__name__}: {error}"
        with ctx.measure("function", label={"ja": "モジュールの関数"}):
            m["function_ok"] = example.with_function(items) == expected
        with ctx.measure("initializer", label={"ja": "initializer で渡す"}):
            results, processed = example.with_initializer(items)
    m["initializer_ok"] = results == expected
    m["processed"] = processed
    ctx.table(
        {"en": "What the pool has to pickle", "ja": "プールが pickle 化しなければならないもの"},
        [{"en": "task", "ja": "タスク"}, {"en": "pickle.dumps gives", "ja": "pickle.dumps の結果"}],
        [["process_item", m["pickle_function"]],
         ["ImageProcessor().process", m["pickle_method"]]],
    )
    ctx.table(
        {"en": f"Three ways to map {len(items)} items", "ja": f"{len(items)} 個の要素を map する 3 つの方法"},
        [{"en": "way", "ja": "やり方"}, {"en": "outcome", "ja": "結果"}],
        [[ctx.text({"en": "bound method of an object with a Lock", "ja": "Lock を持つオブジェクトのメソッド"}),
          m["mistake_error"] or ctx.text({"en": "no error", "ja": "エラーなし"})],
         [ctx.text({"en": "module-level function", "ja": "モジュールのトップレベルの関数"}),
          ctx.text({"en": "right results", "ja": "正しい結果"} if m["function_ok"]
                   else {"en": "wrong results", "ja": "誤った結果"})],
         [ctx.text({"en": "lock through the initializer", "ja": "initializer で渡したロック"}),
          ctx.text({"en": "right results, shared count {0}", "ja": "正しい結果、共有カウント {0}"}, processed)
          if m["initializer_ok"] else ctx.text({"en": "wrong results", "ja": "誤った結果"})]],
    )


LAB = Lab(
    id="pickle-lock",
    chapter="processes",
    order=5,
    title={"en": "Pickling tasks: a Lock inside a bound method breaks Pool.map",
           "ja": "タスクの pickle: メソッドの中の Lock が Pool.map を壊す"},
    summary={"en": "Mapping a method of an object holding a multiprocessing.Lock fails; two right ways.",
             "ja": "multiprocessing.Lock を持つオブジェクトのメソッドを map すると失敗する。正しい方法を 2 つ。"},
    example=(example.__name__,),
    run=run,
    claims=(
        Claim("bound-method-fails",
              {"en": "Mapping the bound method failed with: {mistake_error}",
               "ja": "メソッドを map すると、次のエラーで失敗しました: {mistake_error}"},
              lambda m: m["mistake_error"] == f"RuntimeError: {MESSAGE}",
              uses=("mistake_error", "pickle_method"), sensitive_to=(),
              not_held={"en": "Mapping the bound method did not fail with the expected RuntimeError; it gave: {mistake_error}",
                        "ja": "メソッドを map しても、想定した RuntimeError にはなりませんでした。結果: {mistake_error}"}),
        Claim("function-works",
              {"en": "A module-level function pickles as a reference ({pickle_function}) and mapped correctly.",
               "ja": "トップレベルの関数は名前への参照として pickle 化され（{pickle_function}）、正しく map できました。"},
              lambda m: m["function_ok"] is True, uses=("function_ok", "pickle_function"), sensitive_to=(),
              not_held={"en": "Mapping the module-level function ({pickle_function}) did not give the right results.",
                        "ja": "トップレベルの関数（{pickle_function}）を map しても、正しい結果になりませんでした。"}),
        Claim("initializer-lock-works",
              {"en": "With the lock handed over by the initializer, every one of the {items} tasks "
                     "counted once in shared memory: {processed}.",
               "ja": "initializer でロックを渡すと、{items} 個のタスクがすべて共有メモリ上で 1 回ずつ数えられました: {processed}。"},
              lambda m: m["initializer_ok"] is True and m["processed"] == m["items"],
              uses=("initializer_ok", "processed", "items"), sensitive_to=(),
              not_held={"en": "With the lock handed over by the initializer, the shared count was {processed} for {items} tasks: not each counted once.",
                        "ja": "initializer でロックを渡したとき、共有メモリ上のカウントは {items} 個のタスクに対して {processed} で、1 回ずつにはなりませんでした。"}),
    ),
)
