"""The fonts every PDF embeds: found for Malay, Chinese and Tamil, or a clear error (never a PDF of
empty boxes)."""
import subprocess

import pytest

from erating.base.reports import fonts


@pytest.fixture(autouse=True)
def fresh_lookup():
    fonts.noto_file.cache_clear(), fonts.font_files.cache_clear()
    yield
    fonts.noto_file.cache_clear(), fonts.font_files.cache_clear()


def test_it_finds_every_family_regular_and_bold():
    files = fonts.font_files()
    for family in fonts.FAMILIES:
        assert fonts.noto_file(family) in files
    assert any("Tamil" in f for f in files) and any("CJK" in f for f in files)
    assert any("Bold" in f for f in files)


def test_a_family_fontconfig_does_not_have_is_an_error(monkeypatch):
    real = subprocess.run

    def without_tamil(args, **kwargs):
        if args[0] == "fc-match" and "Tamil" in args[-1]:
            return subprocess.CompletedProcess(args, 0, stdout="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        return real(args, **kwargs)

    monkeypatch.setattr(fonts.subprocess, "run", without_tamil)
    with pytest.raises(fonts.FontsMissing, match="Noto Sans Tamil.*make system-deps"):
        fonts.font_files()


def test_no_fontconfig_at_all_is_an_error(monkeypatch):
    def absent(args, **kwargs):
        raise FileNotFoundError(args[0])

    monkeypatch.setattr(fonts.subprocess, "run", absent)
    with pytest.raises(fonts.FontsMissing):
        fonts.font_files()
