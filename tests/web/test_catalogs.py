"""The translation catalogs: every string extracted from code and templates is translated in French."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# The same keywords as `make messages`.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extracted_ids() -> set[tuple[str, str | None]]:
    """(msgid, context) of every string the code and templates mark for translation."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {(message if isinstance(message, str) else message[0], context)
            for _, _, message, _, context in found}


@pytest.fixture(scope="module")
def french():
    with (ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file)


def test_strings_are_extracted():
    assert len(extracted_ids()) > 20


def test_every_extracted_string_has_a_french_translation_that_is_not_fuzzy(french):
    missing, fuzzy = [], []
    for msgid, context in sorted(extracted_ids(), key=str):
        message = french.get(msgid, context)
        if message is None or not all(_forms(message.string)):
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, f"untranslated in fr: {missing}"
    assert not fuzzy, f"fuzzy in fr: {fuzzy}"


def _forms(string) -> tuple:
    return string if isinstance(string, tuple) else (string,)


def test_french_plurals_have_both_forms(french):
    assert french.num_plurals == 2
    plurals = [m for m in french if m.id and isinstance(m.id, tuple)]
    assert all(len(m.string) == 2 and all(m.string) for m in plurals)
