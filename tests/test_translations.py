"""The message catalogs: complete, placeholder-safe, and in step with the code.

These tests read the .pot/.po files directly; they need neither compiled .mo
files nor the app (the session's autouse fixture still builds it, harmlessly).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
POT = TRANSLATIONS / "messages.pot"
# The languages that must be complete. English falls back to the msgids.
FULL_LANGUAGES = ("sv", "da")
ALL_LANGUAGES = ("sv", "da", "en")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# Keep in step with the Makefile's `extract` target.
EXTRACT_ARGS = ["--no-location", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                "-k", "ngettext:1,2"]

# A printf-style conversion: %(name)s, %d, %.2f, %% ...
_CONVERSION = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # the mapping key
    r"[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _key(message) -> tuple:
    return (message.context, message.id)


def _describe(key: tuple) -> str:
    context, msgid = key
    text = " | ".join(msgid) if isinstance(msgid, tuple) else msgid
    return f"[{context}] {text!r}" if context else repr(text)


def _placeholders(text: str) -> tuple[list[tuple[str | None, str]], str]:
    """(the conversions other than %%, sorted; the text left after removing all)."""
    found = []
    for match in _CONVERSION.finditer(text):
        if match["type"] != "%":
            found.append((match["name"], match["type"]))
    return sorted(found, key=repr), _CONVERSION.sub("", text)


@pytest.fixture(scope="module")
def template():
    assert POT.exists(), "portal/translations/messages.pot is missing: run `make extract`"
    return _read(POT)


@pytest.fixture(scope="module", params=ALL_LANGUAGES)
def language(request):
    return request.param


@pytest.fixture(scope="module")
def catalogs():
    found = {}
    for lang in ALL_LANGUAGES:
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `pybabel init -l {lang}`"
        found[lang] = _read(path, lang)
    return found


def _messages(catalog):
    return [m for m in catalog if m.id]


def test_headers(catalogs, language):
    catalog = catalogs[language]
    assert not catalog.fuzzy, f"{language}: the header is marked fuzzy"
    assert str(catalog.locale) == language
    assert catalog.plural_forms == PLURAL_FORMS


@pytest.mark.parametrize("lang", FULL_LANGUAGES)
def test_every_message_is_translated(template, catalogs, lang):
    catalog = catalogs[lang]
    problems = []
    for msg in _messages(template):
        entry = catalog.get(msg.id, context=msg.context)
        if entry is None:
            problems.append(f"not in the catalog: {_describe(_key(msg))}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {_describe(_key(msg))}")
        elif msg.pluralizable:
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if len(forms) != 2 or not all(forms):
                problems.append(f"plural forms missing: {_describe(_key(msg))}")
        elif not entry.string:
            problems.append(f"untranslated: {_describe(_key(msg))}")
    assert not problems, (
        f"{lang}: {len(problems)} of {len(_messages(template))} messages need work "
        f"(run `make extract` and translate):\n" + "\n".join(problems)
    )


def test_english_plurals_are_filled(template, catalogs):
    catalog = catalogs["en"]
    problems = []
    for msg in _messages(template):
        if not msg.pluralizable:
            continue
        entry = catalog.get(msg.id, context=msg.context)
        forms = entry.string if entry is not None else ()
        if entry is None or entry.fuzzy or len(forms) != 2 or not all(forms):
            problems.append(_describe(_key(msg)))
    assert not problems, "en: fill both plural forms for:\n" + "\n".join(problems)


def test_placeholders_match(catalogs, language):
    catalog = catalogs[language]
    problems = []
    for entry in _messages(catalog):
        if entry.pluralizable:
            # Form 0 is the singular (n == 1), every other form the plural.
            sources = [entry.id[0]] + [entry.id[1]] * (len(entry.string) - 1)
            pairs = zip(sources, entry.string, strict=True)
        else:
            pairs = [(entry.id, entry.string)]
        for source, translation in pairs:
            if not translation:
                continue  # untranslated: falls back to the msgid (caught elsewhere for sv/da)
            wanted, _ = _placeholders(source)
            got, rest = _placeholders(translation)
            if got != wanted:
                problems.append(f"{_describe(_key(entry))}: {translation!r} has {got}, "
                                f"the msgid has {wanted}")
            elif "%" in rest and ("python-format" in entry.flags or "%" in source):
                problems.append(f"{_describe(_key(entry))}: {translation!r} has a lone '%'; "
                                f"write '%%'")
    assert not problems, f"{language}: placeholders differ:\n" + "\n".join(problems)


def test_translations_format_like_their_msgids(catalogs, language):
    """Each python-format translation formats with the msgid's own arguments."""
    problems = []
    for entry in _messages(catalogs[language]):
        if "python-format" not in entry.flags:
            continue
        ids = entry.id if entry.pluralizable else (entry.id,)
        strings = entry.string if entry.pluralizable else (entry.string,)
        names = {name for text in ids for name, _ in _placeholders(text)[0] if name}
        args = dict.fromkeys(names, 1)
        for translation in strings:
            if not translation:
                continue
            try:
                translation % args
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{_describe(_key(entry))}: {translation!r}: {exc!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_pot_is_up_to_date(template, tmp_path):
    """messages.pot holds exactly the msgids that `pybabel extract` finds in the code."""
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", *EXTRACT_ARGS,
         "-o", str(fresh), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    in_code = {_key(m) for m in _messages(_read(fresh))}
    in_pot = {_key(m) for m in _messages(template)}
    missing = sorted(in_code - in_pot, key=repr)
    stale = sorted(in_pot - in_code, key=repr)
    report = []
    if missing:
        report.append(f"{len(missing)} msgids in the code are not in messages.pot:")
        report += [f"  {_describe(k)}" for k in missing]
    if stale:
        report.append(f"{len(stale)} msgids in messages.pot are no longer in the code:")
        report += [f"  {_describe(k)}" for k in stale]
    assert not report, "\n".join(report) + "\nrun `make extract` and translate"
