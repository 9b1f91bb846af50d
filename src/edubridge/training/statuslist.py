"""W3C Bitstring Status List v1.0: one bit per credential, 1 when revoked, index 0 the
most significant bit of the first byte, GZIP-compressed and multibase base64url-encoded."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable

from edubridge.training.jose import JoseError, b64decode, b64encode

MAX_BYTES = 16 * 1024 * 1024  # the most a list may unpack to
# The specification's minimum: 16 KiB of bits, so one credential hides among many.
SIZE = 131_072


def encode(revoked: Iterable[int], size: int = SIZE) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64encode(gzip.compress(bytes(bits), mtime=0))


def is_set(encoded: str, index: int) -> bool:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (a leading 'u')")
    try:
        unpacker = zlib.decompressobj(wbits=31)
        bits = unpacker.decompress(b64decode(encoded[1:]), MAX_BYTES)
    except (JoseError, zlib.error) as error:
        raise ValueError("encodedList is not a GZIP-compressed bitstring") from error
    if unpacker.unconsumed_tail:
        raise ValueError("encodedList unpacks to more than 16 MiB")
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
