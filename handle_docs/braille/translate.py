"""Text to braille cells and back, with liblouis (Debian's ``liblouis20``).

How liblouis is reached: a small ctypes binding of our own to the shared
library Debian installs (``liblouis.so.20``, pulled in by ``liblouis-bin``
and ``liblouis-data``, which the Makefile installs like WeasyPrint's
libraries).  Not the ``louis`` module of ``python3-louis``: it belongs to
Debian's python3 and is not importable from the project's virtual
environment; and not the ``lou_translate`` program: it translates through a
fixed-size buffer and silently cuts long paragraphs short.  Two functions of
the C library are used, ``lou_translateString`` and
``lou_backTranslateString``, in the mode ``dotsIO`` (with ``ucBrl`` going
forward): the braille side is dot patterns (Unicode braille U+2800 + dots
out, liblouis's 0x8000 + dots in), whatever display table a translation
table names, so every language's braille is turned into the
same Braille ASCII here (:func:`to_ascii`).

A BRF file holds six-dot braille.  A table that writes a cell with dot 7 or
8 (liblouis 3.24's Romanian tables: capitals and digits; the Urdu table for
any Latin letter, which it has no braille for and writes out as an escape)
cannot make one: :func:`forward` raises :class:`NotSixDot` rather than drop
the dots and change what the cells say.

Errors are values: :class:`BrailleUnavailable` when the library or a table
cannot be used, with words a person can act on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

#: North American Braille ASCII (the characters of a BRF file), indexed by
#: the six dots as bits (dot 1 = 1, dot 2 = 2 … dot 6 = 32).
BRAILLE_ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
_ASCII_DOTS = {char: dots for dots, char in enumerate(BRAILLE_ASCII)}
_PATTERNS = 0x2800
_DOTS_IO = 4
_UC_BRL = 64
_LOU_DOTS = 0x8000  # liblouis's mark of a cell given as dots (back-translation input in dotsIO mode)
_LIBRARY = "liblouis.so.20"
_LOG_OFF = 60000  # liblouis's LOU_LOG_OFF


class BrailleUnavailable(RuntimeError):
    """liblouis or one of its tables cannot be used; the message says what to install or fix."""


class NotSixDot(BrailleUnavailable):
    """The table wrote cells with dot 7 or 8, which a BRF file cannot hold."""


@lru_cache(maxsize=1)
def _library() -> tuple[ctypes.CDLL, int]:
    name = ctypes.util.find_library("louis") or _LIBRARY
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        raise BrailleUnavailable(
            "liblouis is not installed: install the Debian packages liblouis-bin and liblouis-data "
            "(make system-deps does it)"
        ) from None
    lib.lou_charSize.restype = ctypes.c_int
    for func in (lib.lou_translateString, lib.lou_backTranslateString):
        func.argtypes = (
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int,
        )
        func.restype = ctypes.c_int
    lib.lou_checkTable.argtypes = (ctypes.c_char_p,)
    lib.lou_checkTable.restype = ctypes.c_int
    lib.lou_setLogLevel.argtypes = (ctypes.c_int,)
    lib.lou_setLogLevel.restype = None
    lib.lou_setLogLevel(_LOG_OFF)  # its messages go to stderr; ours say the same in words, with file:line
    return lib, lib.lou_charSize()


def available() -> bool:
    """True when liblouis can be loaded."""
    try:
        _library()
    except BrailleUnavailable:
        return False
    return True


@lru_cache(maxsize=64)
def table_usable(tables: str) -> bool:
    """True when liblouis compiles the table list (``"en-ueb-g2.ctb"``)."""
    lib, _ = _library()
    return bool(lib.lou_checkTable(tables.encode("utf-8")))


def _call(forward: bool, tables: str, text: str) -> str:
    lib, size = _library()
    if not table_usable(tables):
        raise BrailleUnavailable(f"liblouis has no usable braille table {tables!r}: install liblouis-data")
    encoding = f"utf_{size * 8}_le"
    inbuf = text.encode(encoding, "surrogatepass")
    inlen = ctypes.c_int(len(inbuf) // size)
    outlen = ctypes.c_int(max(16, inlen.value * (4 + size * 2)))
    outbuf = ctypes.create_string_buffer(outlen.value * size)
    func = lib.lou_translateString if forward else lib.lou_backTranslateString
    mode = _DOTS_IO | _UC_BRL if forward else _DOTS_IO
    if not func(
        tables.encode("utf-8"), inbuf, ctypes.byref(inlen), outbuf, ctypes.byref(outlen), None, None, mode
    ):
        raise BrailleUnavailable(f"liblouis could not translate with table {tables!r}")
    return outbuf.raw[: outlen.value * size].decode(encoding, "surrogatepass")


def forward(text: str, tables: str) -> str:
    """``text`` (one paragraph, no line breaks) in braille, as Braille ASCII."""
    cells = _call(True, tables, text)
    if any(_PATTERNS + 0x40 <= ord(char) <= _PATTERNS + 0xFF for char in cells):
        raise NotSixDot(
            f"liblouis's table {tables} writes eight-dot braille (or has no braille for some of "
            "the letter's characters), which a BRF file cannot hold"
        )
    return to_ascii(cells)


def backward(brf_text: str, tables: str) -> str:
    """Braille ASCII (one paragraph) back into print with ``tables``."""
    return _call(False, tables, "".join(chr(_LOU_DOTS | dots) for dots in ascii_dots(brf_text)))


def to_ascii(cells: str) -> str:
    """Unicode braille patterns (six dots: :func:`forward` refuses more) as Braille ASCII; a space stays a space."""
    out = []
    for char in cells:
        code = ord(char)
        if _PATTERNS <= code <= _PATTERNS + 0xFF:
            out.append(BRAILLE_ASCII[(code - _PATTERNS) & 0x3F])
        elif char.isspace():
            out.append(" ")
        else:  # a character the table left undefined: a blank cell, never a stray byte
            out.append(" ")
    return "".join(out)


def ascii_dots(text: str) -> list[int]:
    """Braille ASCII (either case) as dot patterns (dot 1 = 1 … dot 6 = 32); anything else a blank cell."""
    return [_ASCII_DOTS.get(char.upper(), 0) for char in text]
