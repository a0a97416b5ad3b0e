"""Tiny videos written byte by byte for the upload tests: an MP4 (ISO base media boxes) and a
WebM (EBML elements), valid by default, each part replaceable to make them invalid."""

import struct


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(brand: bytes = b"isom", *, extra: bytes = b"", movie: bytes | None = None) -> bytes:
    """ftyp, a moov holding a movie header and one track, the media data, then `extra`."""
    if movie is None:
        movie = box(b"mvhd", bytes(100)) + box(b"trak", box(b"tkhd", bytes(84)))
    return (
        box(b"ftyp", brand + b"\x00\x00\x02\x00" + b"isomiso2mp41")
        + box(b"moov", movie)
        + box(b"mdat", bytes(32))
        + extra
    )


def element(element_id: int, data: bytes) -> bytes:
    """An EBML element: its id (marker bits kept), its size on 8 bytes, its data."""
    ident = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return ident + (0x01 << 56 | len(data)).to_bytes(8, "big") + data


def webm(doctype: bytes = b"webm", *, children: bytes | None = None, extra: bytes = b"") -> bytes:
    """The EBML header (version, DocType) and a segment holding Info, Tracks and a Cluster."""
    header = element(0x4286, b"\x01") + element(0x4282, doctype)
    if children is None:
        children = (
            element(0x1549A966, element(0x2AD7B1, b"\x0f\x42\x40"))
            + element(0x1654AE6B, element(0xAE, element(0xD7, b"\x01")))
            + element(0x1F43B675, element(0xE7, b"\x00"))
        )
    return element(0x1A45DFA3, header) + element(0x18538067, children) + extra
