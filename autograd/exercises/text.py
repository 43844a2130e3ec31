"""Every sentence a learner reads from ``check``, in one table per language.

``say(key, **fields)`` looks ``key`` up in the current language and fills in ``fields``. The shared
sentences are below; each notebook's module adds its own with ``add_texts`` when it is imported,
English and Chinese side by side. ``set_language("zh")``, once at the top of a notebook, makes
``check`` speak Chinese from then on (``"en"`` is the default). To add a language, give every key a
sentence in it, here and in each module; a key missing in a language falls back to English, and the
tests require every English key in every language.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH = "en"
CHINESE = "zh"
LANGUAGE = ENGLISH  # the language check() speaks; set_language() changes it

TEXTS: dict[str, dict[str, str]] = {
    ENGLISH: {
        "done": "✓ {name}: done. Your answer agrees with the engine on every case tried.",
        "stub": (
            "… {name}: not attempted yet. Replace the `...` or the `raise NotImplementedError` with "
            "your answer, run that cell, then run this one again."
        ),
        "wrong": "✗ {name}: not yet. The smallest case where your answer and the engine disagree:",
        "wrong_value": "✗ {name}: not yet. Your answer and the engine disagree:",
        "inputs": "inputs",
        "expected": "expected",
        "obtained": "obtained",
        "field": "{title}:",
        "raised": "your answer raised {error}",
        "returned": "{value!r} (a {kind}, where a {wanted} was expected)",
        "number": "number",
        "graph_drawn": "The case is drawn below, the wrong node outlined in orange.",
        "unknown": "check(): there is no exercise {name!r}. The exercises are: {names}.",
    },
    CHINESE: {
        "done": "✓ {name}：完成。在试过的每个例子上，你的答案都与引擎一致。",
        "stub": (
            "… {name}：还没有作答。把 `...` 或 `raise NotImplementedError` 换成你的答案，"
            "运行那个单元格，再回来运行这一个。"
        ),
        "wrong": "✗ {name}：还不对。下面是你的答案与引擎不一致的最小例子：",
        "wrong_value": "✗ {name}：还不对。你的答案与引擎不一致：",
        "inputs": "输入",
        "expected": "应为",
        "obtained": "实际",
        "field": "{title}：",
        "raised": "你的答案抛出了 {error}",
        "returned": "{value!r}（一个 {kind}，这里需要的是{wanted}）",
        "number": "一个数",
        "graph_drawn": "下图画出了这个例子，出错的节点用橙色框出。",
        "unknown": "check()：没有名为 {name!r} 的练习。现有的练习有：{names}。",
    },
}


def add_texts(texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add a module's sentences, ``{language: {key: sentence}}``; a key may be defined only once."""
    for language, sentences in texts.items():
        table = TEXTS.setdefault(language, {})
        clash = sorted(table.keys() & sentences.keys())
        if clash:
            raise ValueError(f"add_texts: the keys {clash} are already defined for {language!r}")
        table.update(sentences)


def set_language(language: str) -> None:
    """Make ``check`` speak ``language`` (``"en"`` or ``"zh"``) from now on: one call at the top of
    a notebook. The library's own error messages stay English."""
    global LANGUAGE
    if language not in TEXTS:
        raise ValueError(
            f"set_language(): there are no sentences in {language!r}; "
            f"choose one of: {', '.join(sorted(TEXTS))}"
        )
    LANGUAGE = language


def say(key: str, **fields: object) -> str:
    """The sentence ``key`` in the current language (English where it has none), filled in."""
    sentence = TEXTS.get(LANGUAGE, {}).get(key) or TEXTS[ENGLISH][key]
    return sentence.format(**fields)
