"""Which themes a comment is about, worked out on this server (no text leaves it).

    Matcher(themes).match(text) -> set of theme codes
    themes: [(code, {language: [phrase, ...]}), ...]

Comments mix languages (Malay with English words, Chinese with Malay place names), so every
phrase of every language is tried on every comment. Latin-script words are compared by all the
forms they can take (as written, Malay root, English stem); Tamil words by the phrase's words as prefixes
of the written words; Chinese by substring. Overlapping phrases: the longest wins (see taxonomy.py).
"""
import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# \w leaves out combining marks, which Tamil vowel signs are: add them, or words split mid-syllable.
LETTER = r"(?:[^\W_]|[\u0300-\u036f\u0B80-\u0BFF])"
WORD = re.compile(f"{LETTER}+(?:-{LETTER}+)*")
TAMIL = re.compile(r"[\u0B80-\u0BFF]")
HAN = re.compile(r"[\u3400-\u9FFF\uF900-\uFAFF]")
# Words that carry no theme and would only break a phrase apart ("maklumat yang salah").
STOPWORDS = {"yang", "the", "a", "an", "my", "was", "is", "were", "sangat", "very", "di", "ke"}

_malay = StemmerFactory().create_stemmer()
_english = snowballstemmer.stemmer("english")


def normalise(text):
    return unicodedata.normalize("NFKC", text or "").casefold()


@lru_cache(maxsize=100_000)
def forms(word):
    """Every form a Latin-script word is compared by."""
    out = {word, _english.stemWord(word)}
    if word.isascii():
        out.add(_malay.stem(word) or word)
    return frozenset(out)


def words(text):
    return [w for w in WORD.findall(text) if w not in STOPWORDS]


class Matcher:
    def __init__(self, themes):
        # (first key, kind) -> [(phrase keys, codes)]; kinds: "latin" (stems), "exact", "tamil" (prefixes)
        self.latin, self.tamil, self.han = {}, {}, {}
        for code, phrases in themes:
            for lang, items in phrases.items():
                for phrase in items:
                    self._add(code, lang, normalise(phrase).strip())

    def _add(self, code, lang, phrase):
        if not phrase:
            return
        if HAN.search(phrase):
            self.han.setdefault(phrase, set()).add(code)
            return
        exact = phrase.startswith("=")
        ws = words(phrase.lstrip("="))
        if not ws:
            return
        if TAMIL.search(phrase):
            key = tuple(ws)  # written as the stem a word starts with
            self.tamil.setdefault(key, set()).add(code)
            return
        if exact:
            key = tuple(("=", w) for w in ws)
        elif lang == "ms":
            key = tuple(_malay.stem(w) or w for w in ws)
        else:
            key = tuple(_english.stemWord(w) for w in ws)
        self.latin.setdefault(key, set()).add(code)

    def _index(self):
        self.by_first = {}
        for key, codes in self.latin.items():
            self.by_first.setdefault(key[0], []).append((key, codes, False))
        for key, codes in self.tamil.items():
            self.by_first.setdefault(("ta", key[0]), []).append((key, codes, True))

    def match(self, text):
        if not hasattr(self, "by_first"):
            self._index()
        text = normalise(text)
        found = set()
        for phrase, codes in self.han.items():
            if phrase in text:
                found |= codes
        tokens = words(text)
        spans = []
        for start, token in enumerate(tokens):
            if TAMIL.search(token):
                firsts = {("ta", token[:n]) for n in range(2, len(token) + 1)}
            else:
                firsts = set(forms(token)) | {("=", token)}
            for first in firsts:
                for key, codes, tamil in self.by_first.get(first, ()):
                    end = start + len(key)
                    if end <= len(tokens) and self._fits(key, tokens, start, tamil):
                        spans.append((len(key), start, codes))
        # Longest phrases first, so a longer phrase claims its words before a shorter one inside it.
        used = [False] * len(tokens)
        for size, start, codes in sorted(spans, key=lambda s: (-s[0], s[1])):
            if not any(used[start:start + size]):
                found |= codes
                used[start:start + size] = [True] * size
        return found

    @staticmethod
    def _fits(key, tokens, start, tamil):
        for i, part in enumerate(key[1:], 1):
            token = tokens[start + i]
            if tamil:
                if not token.startswith(part):
                    return False
            elif isinstance(part, tuple):
                if token != part[1]:
                    return False
            elif part not in forms(token):
                return False
        return True
