"""No tracked file names an absolute path of one machine (a home directory, a checkout, a temp
directory): such a path passes only where that machine's layout happens to exist, and `make test`
must pass in a fresh clone anywhere. System paths every Debian machine has (/usr/bin/chromium,
/etc/..., /var/lib/...) and URLs (https://host/home/...) are fine."""
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# A path starts a token: not inside a URL or a longer path (no word character, dot, dash, slash or
# tilde just before it). The directory names are spelt through groups so this file does not name them.
START = r"(?<![\w.\-/~%])"
MACHINE_PATH = re.compile(
    START + r"/(?:"
    r"r(?:oo)t/"                     # root's home
    r"|h(?:om)e/[\w.\-]+/"           # a user's home on Linux
    r"|U(?:ser)s/[\w.\-]+/"          # a user's home on macOS
    r"|w(?:or)k/"                    # the checkouts of this build machine
    r"|t(?:m)p/\w"                   # a file in a temp directory (use tempfile / tmp_path)
    r"|v(?:a)r/folders/"             # macOS temp directories
    r"|m(?:n)t/[a-z]/"               # WSL drives
    r")"
    r"|\b[A-Z]:\\(?:U(?:ser)s|T(?:em)p)\\",  # Windows homes and temp
)


def tracked_text_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, out.decode().split("\0")):
        path = REPO / name
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:  # binary (compiled catalogues, images)
            continue
        yield name, data.decode("utf-8", errors="replace")


def offending_lines(text):
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if MACHINE_PATH.search(line)]


def test_it_finds_no_machine_path_in_any_tracked_file():
    try:
        files = list(tracked_text_files())
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert len(files) > 50, "git ls-files listed too few files: the scan would prove nothing"
    found = [f"{name}:{n}: {line}" for name, text in files for n, line in offending_lines(text)]
    assert found == [], "machine-specific absolute paths in tracked files:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    'AXE = "/' + 'work/main/node_modules/axe-core/axe.min.js"',
    "for c in /" + "root/.pyenv/versions/3.12*/bin/python3; do",
    'SHOTS = Path("/' + 'tmp/shots")',
    "cd /" + "home/alice/erating && make test",
    "open('/" + "Users/bob/src/erating/README.md')",
    "PATH=/usr/bin:/" + "root/.local/bin",
    "C:\\" + "Users\\carol\\erating",
])
def test_it_rejects_paths_of_one_machine(line):
    assert offending_lines(line)


@pytest.mark.parametrize("line", [
    'CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")',
    "Edit /etc/nginx/sites-enabled/erating and /var/lib/postgresql/data.",
    "See https://example.gov.my/home/services/ and https://github.com/pretix/pretix/tree/master/work/x",
    "node_modules/axe-core/axe.min.js relative to the checkout; ~/.pyenv; $HOME/.pyenv",
    "GET /control/work/queue/ and /api/home/",
    "ratings per minute (n/tmp) and a/root/b",
])
def test_it_allows_system_paths_urls_and_relative_paths(line):
    assert offending_lines(line) == []
