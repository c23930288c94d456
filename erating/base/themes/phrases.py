"""Phrases of a comment for "rising phrases" (no taxonomy): single words and word pairs, compared
by their root or stem, skipping words that say nothing on their own; Chinese by character pairs."""
import re

from erating.base.themes.matcher import HAN, forms, normalise, words

# Common words of the four languages that make no phrase worth reading on their own.
FILLER = {
    "dan", "di", "ke", "yang", "untuk", "dengan", "ini", "itu", "saya", "kami", "ada", "tidak", "tak", "pun",
    "lagi", "sudah", "akan", "boleh", "pada", "dari", "dalam", "sangat", "terlalu", "juga", "atau", "kerana",
    "the", "a", "an", "and", "to", "of", "for", "in", "on", "at", "is", "was", "were", "it", "i", "my", "me",
    "we", "very", "too", "but", "not", "no", "with", "this", "that", "had", "have", "be", "so", "just",
    "மற்றும்", "ஒரு", "இல்லை", "மிக", "என்", "நான்",
}
HAN_RUN = re.compile(r"[\u3400-\u9FFF\uF900-\uFAFF]+")


def _key(word):
    return min(forms(word), key=len)


def phrases_of(text):
    """-> {key: surface form} of the comment's phrases, each once."""
    text = normalise(text)
    out = {}
    ws = [w for w in words(text) if w not in FILLER and not w.isdigit() and not HAN.search(w)]
    for i, w in enumerate(ws):
        if len(w) > 2:
            out.setdefault(_key(w), w)
        if i + 1 < len(ws):
            out.setdefault(_key(w) + " " + _key(ws[i + 1]), f"{w} {ws[i + 1]}")
    for run in HAN_RUN.findall(text):
        for i in range(len(run) - 1):
            out.setdefault(run[i:i + 2], run[i:i + 2])
    return out
