"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, and legacy 8-bit encodings.

Binary data (NUL bytes or control characters that no text encoding explains) is refused
with a clear sentence rather than turned into mojibake.
"""

from __future__ import annotations

import codecs

from reader.core.errors import ImportFailed

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never appear in real text (tab, LF, FF, CR and ESC excluded).
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark, told by where the zero bytes fall.

    Every ASCII character (spaces, digits, punctuation) has a zero high byte, so text in
    any script leaves zeros in one byte position and next to none in the other; binary
    data spreads them evenly.
    """
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.05 * half and even_nuls < 0.01 * half and even_nuls * 10 < odd_nuls:
        return "utf-16-le"
    if even_nuls > 0.05 * half and odd_nuls < 0.01 * half and odd_nuls * 10 < even_nuls:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    bad = sum(1 for ch in sample if ord(ch) in _CONTROL)
    return bad / len(sample)


def decode(data: bytes, name: str) -> str:
    """Decode ``data``; ``name`` is used in the message when it cannot be done."""
    shown = f"'{name}'"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise ImportFailed(
                    f"{shown} starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}."
                ) from None
            return _checked(text, shown)
    codec = _looks_utf16(data)
    if codec:
        try:
            return _checked(data.decode(codec), shown)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise ImportFailed(f"{shown} is a binary file, not text.")
    try:
        return _checked(data.decode("utf-8"), shown)
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return _checked(mostly_utf8, shown)
    encoding = _guess_legacy(data)
    if encoding is None:
        raise ImportFailed(f"{shown} is not text in any encoding Reader recognises.")
    try:
        text = data.decode(encoding, errors="replace")  # the guess came from the first MB only
    except LookupError:
        raise ImportFailed(f"{shown} cannot be decoded as {encoding}.") from None
    return _checked(text, shown)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad copy, a cut): kept, the broken bytes replaced.

    Only when real multi-byte characters decode around them; otherwise the file is in a
    legacy 8-bit encoding, whose accented letters are all "broken" UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if multibyte and broken <= max(3, multibyte // 10) and broken <= len(text) // 200 + 3:
        return text
    return None


# Latin text is common in cp1252 and charset-normalizer often ranks a Central European
# or Baltic code page just above it on short samples ("élčves" for "élèves").
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_WESTERN_TOLERANCE = 0.1


def _guess_legacy(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = [
        m
        for m in from_bytes(data[:1_000_000])
        # UTF-16/32 with no BOM and no zero byte is a guess charset-normalizer makes for
        # any short input ("café" as two CJK characters); only long input can be UTF-16.
        if not (m.encoding.startswith(("utf_16", "utf_32")) and len(data) < 64)
    ]
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + _WESTERN_TOLERANCE:
            return match.encoding
    return best.encoding


def _checked(text: str, shown: str) -> str:
    if _control_ratio(text) > 0.01:
        raise ImportFailed(f"{shown} is a binary file, not text.")
    # One newline convention; NULs cannot be stored or shown.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
