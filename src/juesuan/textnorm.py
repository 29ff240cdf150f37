"""Text normalisation for matching titles, headers and row labels tolerantly.

Real workbooks mix full-width and half-width characters, curly and straight quotes, stray
spaces and line breaks inside cells, enumeration prefixes (一、 (一) 1.) and bracketed remarks
such as （含专用结余）. Matching happens on keys with all of that removed; display keeps the text
as printed, with line breaks folded.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』《》")
_BRACKETS = str.maketrans("", "", "()[]【】〔〕{}")
_ENUM = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十百]+[、.．,，]"
    r"|[(（][一二三四五六七八九十\d]+[)）][、.．]?"
    r"|\d{1,2}(?:[、．]|\.(?!\d))"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|其中[:：]?"
    r")+"
)
_REMARK = re.compile(r"[(（][^()（）]*[)）]")
_UNIT_REMARK = re.compile(r"[(（]\s*(?:万元|元|千元)\s*[)）]")


def display(text: object) -> str:
    """The text as printed, with line breaks and runs of spaces inside CJK text removed."""
    if text is None:
        return ""
    return _display(str(text))


# The reader shows every label and code name: the same few hundred texts, once each.
@functools.lru_cache(maxsize=8192)
def _display(text: str) -> str:
    s = text.replace("\u3000", " ").strip()
    # A break inside a wrapped CJK name is layout, not a word gap: join without a space.
    s = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", s)
    return _WS.sub(" ", s)


def key(text: object) -> str:
    """Matching key: NFKC, no whitespace, no quotes, no bracket characters, lower case."""
    if text is None:
        return ""
    return _key(str(text))


# Workbooks repeat the same few hundred labels and header words: normalise each once.
@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _UNIT_REMARK.sub("", s)
    s = _WS.sub("", s).translate(_QUOTES).translate(_BRACKETS)
    return s.lower()


def strip_enumeration(text: str) -> str:
    """Remove leading enumerators such as 一、 (一) 1. ① and 其中：."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = _WS.sub("", s)
    return _ENUM.sub("", s)


def strip_remarks(text: str) -> str:
    """Remove bracketed remarks: 使用非财政拨款结余（含专用结余） → 使用非财政拨款结余."""
    s = unicodedata.normalize("NFKC", text)
    previous = None
    while previous != s:
        previous, s = s, _REMARK.sub("", s)
    return s


def label_keys(text: object) -> tuple[str, ...]:
    """Keys under which a row label may match, most literal first."""
    if text is None:
        return ()
    return _label_keys(str(text))


@functools.lru_cache(maxsize=8192)
def _label_keys(raw: str) -> tuple[str, ...]:
    bare = strip_enumeration(raw)
    keys = [key(bare), key(strip_remarks(bare))]
    for suffix in ("类", "款", "项"):
        # "一般公共服务支出(类)" in explanation-style labels
        keys = [k[: -len(suffix)] if k.endswith(suffix) and len(k) > 3 else k for k in keys]
    return tuple(dict.fromkeys(k for k in keys if k))


def digits(text: str) -> str:
    """Full-width digits and spaces folded: '２０１ ０３' → '20103'."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))
