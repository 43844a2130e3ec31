"""Every sentence a learner reads from ``check``, in one table per language.

``say(key, **fields)`` looks ``key`` up in the current language and fills in ``fields``. The shared
sentences are below; each notebook's module adds its own with ``add_texts`` when it is imported. To
add a language, give every key a sentence in it (``add_texts({"zh": {...}})`` from each module, and
``TEXTS["zh"]`` here) and set ``LANGUAGE``; a key missing in a language falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH = "en"
LANGUAGE = ENGLISH  # the language check() speaks

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
        "raised": "your answer raised {error}",
        "returned": "{value!r} (a {kind}, where a {wanted} was expected)",
        "number": "number",
        "graph_drawn": "The case is drawn below, the wrong node outlined in orange.",
        "unknown": "check(): there is no exercise {name!r}. The exercises are: {names}.",
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


def say(key: str, **fields: object) -> str:
    """The sentence ``key`` in the current language (English where it has none), filled in."""
    sentence = TEXTS.get(LANGUAGE, {}).get(key) or TEXTS[ENGLISH][key]
    return sentence.format(**fields)
