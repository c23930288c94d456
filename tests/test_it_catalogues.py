"""Every user-facing string must be in the ms and en catalogues, translated and not fuzzy.

The catalogues are re-extracted from the current source into a scratch copy, so a string
added without a translation fails here."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def parse_po(path):
    """(msgid, msgstr list, fuzzy) for each entry, header excluded."""
    entries, current, fuzzy, field = [], None, False, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            current = {"msgid": line[6:].strip('"'), "msgstr": [], "fuzzy": fuzzy}
            field = "msgid"
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr"):
            current["msgstr"].append(line.split(" ", 1)[1].strip('"'))
            field = "msgstr"
        elif line.startswith('"') and current is not None:
            if field == "msgid":
                current["msgid"] += line.strip('"')
            elif field == "msgstr":
                current["msgstr"][-1] += line.strip('"')
        elif not line.strip() and current is not None:
            entries.append(current)
            current, fuzzy, field = None, False, None
    return [e for e in entries if e["msgid"]]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    work = tmp_path_factory.mktemp("catalogues")
    shutil.copytree(ROOT / "erating", work / "erating", ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copytree(ROOT / "locale", work / "locale")
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    for domain in ("django", "djangojs"):
        if domain == "djangojs" and not (ROOT / "locale" / "ms" / "LC_MESSAGES" / "djangojs.po").exists():
            continue
        subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "ms", "-l", "en", "-d", domain,
                        "--no-obsolete", "--ignore=.venv", "--ignore=node_modules", "-v0"],
                       cwd=work, check=True, env={"DJANGO_SETTINGS_MODULE": "erating.test_settings",
                                                  "PATH": "/usr/bin:/bin", "ERATING_TESTING": "1"})
    return work / "locale"


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_it_has_a_complete_catalogue(extracted, lang):
    entries = parse_po(extracted / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 50
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or e["fuzzy"]]
    assert untranslated == []


def test_it_translates_to_malay_not_english(extracted):
    entries = parse_po(extracted / "ms" / "LC_MESSAGES" / "django.po")
    same = [e["msgid"] for e in entries if e["msgstr"] == [e["msgid"]] and len(e["msgid"]) > 25]
    # Long sentences identical in both languages mean someone copied the English.
    assert same == []


def test_translation_functions_go_by_names_makemessages_extracts():
    """xgettext finds strings only by the functions' known names: a string wrapped in an alias
    (e.g. gettext_lazy imported as _lazy) is never extracted, so it shows in English in BM."""
    import re

    known = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
             "pgettext_lazy", "npgettext", "npgettext_lazy"}
    aliases = []
    for path in (ROOT / "erating").rglob("*.py"):
        for name, alias in re.findall(r"from django\.utils\.translation import (\w+) as (\w+)", path.read_text()):
            if "gettext" in name and alias not in known:
                aliases.append(f"{path.relative_to(ROOT)}: {name} as {alias}")
    assert aliases == []


def test_django_strings_its_malay_catalogue_lacks_are_malay_in_ours(settings):
    """erating/base/i18n_django.py: what Django's ms catalogue misses or gets wrong."""
    from django import forms
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    def errors(password):
        with pytest.raises(ValidationError) as caught:
            validate_password(password)
        return caught.value.messages

    with translation.override("ms"):
        assert errors("Pendek!") == ["Kata laluan ini terlalu pendek. Ia mesti mengandungi sekurang-kurangnya 10 aksara."]
        assert errors("password123") == ["Kata laluan ini terlalu biasa digunakan."]  # Django's says "too short"
        assert str(forms.ModelChoiceField(queryset=None).empty_label) == "- Pilih satu -"
    with translation.override("en"):
        assert errors("password123") == ["This password is too common."]
