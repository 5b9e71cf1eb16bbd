"""Hostile .xlsx files, built small: a few kilobytes on disk that declare or unpack to
gigabytes. The deflate stream of a repeated chunk is built once and repeated (a full flush
resets the compressor, so every repetition compresses to the same bytes), so a 2 GiB part
costs a CRC pass, not 2 GiB of compression."""

import struct
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


class Part:
    """One zip member: ``head`` + ``chunk`` × ``repeat`` + ``tail``, deflated."""

    def __init__(self, name: str, head: bytes, chunk: bytes = b"", repeat: int = 0, tail=b""):
        self.name = name.encode()
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        pieces = [compressor.compress(head), compressor.flush(zlib.Z_FULL_FLUSH)]
        if repeat:
            block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
            again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
            assert block == again  # the repetition really is the same bytes
            pieces.append(block * (repeat - 1))
            pieces.append(again)
        pieces += [compressor.compress(tail), compressor.flush()]
        self.data = b"".join(pieces)
        crc = zlib.crc32(head)
        for _ in range(repeat):
            crc = zlib.crc32(chunk, crc)
        self.crc = zlib.crc32(tail, crc)
        self.size = len(head) + len(chunk) * repeat + len(tail)


def xlsx(*parts: Part) -> bytes:
    """A zip (deflate) of the skeleton parts plus ``parts`` (sizes under 4 GiB)."""
    members = [
        Part("[Content_Types].xml", CONTENT_TYPES),
        Part("_rels/.rels", ROOT_RELS),
        Part("xl/workbook.xml", WORKBOOK),
        Part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        *parts,
    ]
    out, central = bytearray(), bytearray()
    for part in members:
        offset = len(out)
        fields = (20, 0, 8, 0, 0, part.crc, len(part.data), part.size, len(part.name), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + part.name + part.data
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                *fields,
                0,
                0,
                0,
                0,
                offset,
            )
            + part.name
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


def sheet(rows: bytes = b"", *, dimension: bytes = b"A1:A1", chunk=b"", repeat=0) -> Part:
    return Part(
        "xl/worksheets/sheet1.xml",
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        + MAIN
        + b'><dimension ref="'
        + dimension
        + b'"/><sheetData>'
        + rows,
        chunk,
        repeat,
        b"</sheetData></worksheet>",
    )


def strings(chunk: bytes, repeat: int, head: bytes = b"", tail: bytes = b"") -> Part:
    return Part(
        "xl/sharedStrings.xml",
        b'<?xml version="1.0" encoding="UTF-8"?><sst ' + MAIN + b">" + head,
        chunk,
        repeat,
        tail + b"</sst>",
    )


GIB = 1024**3
MIB = 1024**2
