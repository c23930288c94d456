"""The Noto font files every PDF embeds (reports and posters through Typst, the stamped page
numbers through ReportLab), found once through fontconfig where the Debian packages put them
(`make system-deps`: fontconfig, fonts-noto-core, fonts-noto-cjk).

A missing family is an error, not a fallback: without it Chinese or Tamil would print as empty
boxes in a file an official signs."""
import os
import subprocess
from functools import cache

FAMILIES = ["Noto Sans", "Noto Sans Tamil", "Noto Sans CJK SC"]


class FontsMissing(RuntimeError):
    pass


@cache
def noto_file(family, style="Regular"):
    """The file fontconfig gives for `family` in `style`, or None when that is not a Noto file
    (fontconfig answers every question with some font)."""
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:style={style}"], capture_output=True,
                              text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "Noto" in os.path.basename(path) else None


@cache
def font_files():
    """The files of FAMILIES, regular and bold, each once (a collection holds several families)."""
    missing = [family for family in FAMILIES if noto_file(family) is None]
    if missing:
        raise FontsMissing(f"Fonts not found by fontconfig: {', '.join(missing)} "
                           "(install fontconfig, fonts-noto-core and fonts-noto-cjk: make system-deps)")
    files = []
    for family in FAMILIES:
        for style in ("Regular", "Bold"):
            path = noto_file(family, style)
            if path and path not in files:
                files.append(path)
    return files
