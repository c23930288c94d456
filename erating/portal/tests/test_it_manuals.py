"""The user manuals: built from docs/manuals/*.md into PDFs that open and hold every section, and
listed on the downloads page in the page's language."""
import re
import subprocess

import pytest
from django.conf import settings

from erating.base.portal_content import manuals


def sections(markdown):
    return [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]


def test_it_builds_every_manual_with_its_sections(tmp_path):
    built = manuals.build(output=tmp_path)
    assert len(built) == 2 * len(manuals.ROLES) == 10
    for path in built:
        role, lang = re.match(r"erating-manual-(\w+)-(ms|en)\.pdf", path.name).groups()
        source = (manuals.SOURCE / f"{role}.{lang}.md").read_text(encoding="utf-8")
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        title = source.splitlines()[0][2:]
        assert title in flat
        heads = sections(source)
        assert len(heads) >= 5
        for head in heads:
            assert head in flat, (path.name, head)
        assert "**" not in flat  # bold markers became bold type, not text


def test_it_parses_the_markdown_the_manuals_use():
    blocks = manuals.parse("# T\n\nOne\ntwo **b**\n\n## S\n- a\n  continued\n1. x\n")
    assert blocks == [("h1", "T"), ("p", "One two **b**"), ("h2", "S"), ("ul", "a continued"), ("ol", "x")]
    assert manuals._inline("a <b> & **c** `d`") == 'a &lt;b&gt; &amp; <b>c</b> <font name="Courier">d</font>'


@pytest.mark.django_db
def test_it_lists_the_built_manuals_on_the_downloads_page(client, tmp_path, monkeypatch):
    out = tmp_path / "manuals"
    manuals.build(output=out)
    monkeypatch.setattr(settings, "STATICFILES_DIRS", [*settings.STATICFILES_DIRS, str(tmp_path)])
    from django.contrib.staticfiles import finders
    finders.get_finder.cache_clear()
    try:
        ms = client.get("/muat-turun/").content.decode()
        en = client.get("/en/downloads/").content.decode()
    finally:
        finders.get_finder.cache_clear()
    for role, _label in manuals.ROLES:
        assert f"manuals/erating-manual-{role}-ms.pdf" in ms and f"erating-manual-{role}-en.pdf" not in ms
        assert f"manuals/erating-manual-{role}-en.pdf" in en
    assert "Manual pengguna: Pentadbir Agensi" in ms and "User manual: Agency administrator" in en
