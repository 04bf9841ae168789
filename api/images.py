"""Profile image validation: JPEG, PNG or WebP by content, and it must actually decode."""

from __future__ import annotations

from pathlib import Path

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096


def sniff_image(head: bytes) -> tuple[str, str] | None:
    """(mime type, extension) by magic bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def declared_size(data: bytes, ext: str) -> tuple[int, int] | None:
    """(width, height) from the image's header, read before decoding anything."""
    if ext == "png" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if ext == "webp" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(
                data[27:30], "little"
            )
        if chunk == b"VP8 ":
            w, h = int.from_bytes(data[26:28], "little"), int.from_bytes(data[28:30], "little")
            return w & 0x3FFF, h & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        return None
    if ext == "jpg":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h = int.from_bytes(data[i + 5 : i + 7], "big")
                w = int.from_bytes(data[i + 7 : i + 9], "big")
                return w, h
            i += 2 + length
    return None


def validate_image(path: Path) -> tuple[str, str] | str:
    """(mime type, extension) of a valid image, or the reason it is not one."""
    data = path.read_bytes()
    kind = sniff_image(data[:16])
    if kind is None:
        return "not a JPEG, PNG or WebP image"
    # Check the declared size first: a small file can declare a gigapixel (a decompression bomb).
    size = declared_size(data, kind[1])
    if size is None:
        return "the image header could not be read"
    if max(size) > MAX_SIDE or min(size) < 1:
        return f"the image is {size[0]}×{size[1]}; each side must be 1–{MAX_SIDE} px"
    import cv2
    import numpy as np

    # Decoding proves the bytes are an image, not something else with an image's first bytes.
    if cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED) is None:
        return "the image could not be decoded"
    return kind
