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
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
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
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise ImportFailed(f"{shown} is not text in any encoding Reader recognises.")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise ImportFailed(f"{shown} cannot be decoded as {best.encoding}.") from None
    return _checked(text, shown)


def _checked(text: str, shown: str) -> str:
    if _control_ratio(text) > 0.01:
        raise ImportFailed(f"{shown} is a binary file, not text.")
    # One newline convention; NULs cannot be stored or shown.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
