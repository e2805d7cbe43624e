"""A4 sheets of labels as PDF, for the common 21-up label paper (3 x 7, 63.5 x 38.1 mm).

The PDF is written directly and streamed: the batch's shared label template is one
image used by every label; each label adds only its QR symbol (a tiny 1-bit image mask,
drawn at exact module size, so it stays sharp at any zoom) and its code in the standard
Courier-Bold font (codes are ASCII, so no font is embedded). 100,000 labels make a
file of a few tens of megabytes instead of gigabytes of page-sized bitmaps.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from qr.labels import (
    CODE_LEFT,
    CODE_TOP,
    DPI,
    HEIGHT,
    MAX_SCALE,
    QR_BOX,
    QR_LEFT,
    QR_TOP,
    WIDTH,
    LabelInfo,
    LabelRenderer,
    _renderer,
    group_code,
)

PT_PER_MM = 72 / 25.4
PT_PER_PX = 72 / DPI
PAGE_W, PAGE_H = 210 * PT_PER_MM, 297 * PT_PER_MM
COLUMNS, ROWS = 3, 7
LEFT_MM, TOP_MM = 7.21, 15.15            # the 21-up sheet's margins
PITCH_X_MM, PITCH_Y_MM = 66.04, 38.1
PER_PAGE = COLUMNS * ROWS
CODE_PT = 8.5


def _obj(number: int, body: bytes) -> bytes:
    return b"%d 0 obj\n" % number + body + b"\nendobj\n"


def _stream(number: int, attrs: str, data: bytes) -> bytes:
    head = f"<< {attrs} /Length {len(data)} >>\nstream\n".encode()
    return _obj(number, head + data + b"\nendstream")


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def label_origin(index_on_page: int) -> tuple[float, float]:
    """Bottom-left corner (pt) of the label at this place on the page."""
    col, row = index_on_page % COLUMNS, index_on_page // COLUMNS
    x = (LEFT_MM + col * PITCH_X_MM) * PT_PER_MM
    top = (TOP_MM + row * PITCH_Y_MM) * PT_PER_MM
    return x, PAGE_H - top - HEIGHT * PT_PER_PX


def labels_pdf(info: LabelInfo, items: Iterable[tuple[str, str]], *,
               title: str = "") -> Iterator[bytes]:
    """The PDF, in pieces, for the (code, url) pairs: 21 labels a page."""
    renderer: LabelRenderer = _renderer(info)
    items = list(items)
    pages = max(1, -(-len(items) // PER_PAGE))
    numbered: dict[int, int] = {}     # object number -> its byte offset, for the xref
    written = 0

    def emit(number: int, chunk: bytes) -> bytes:
        nonlocal written
        numbered[number] = written
        written += len(chunk)
        return chunk

    header = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    written = len(header)
    yield header
    # 1 catalog, 2 page tree, 3 font, 4 template, 5 info; then per page: page, content,
    # and one image per label.
    yield emit(1, _obj(1, b"<< /Type /Catalog /Pages 2 0 R >>"))
    page_ids = []
    next_id = 6
    template_stream = zlib.compress(renderer.template_rows, 6)
    predictor = f"/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 1 /Columns {WIDTH} >>"
    yield emit(3, _obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold "
                b"/Encoding /WinAnsiEncoding >>"))
    yield emit(4, _stream(4, f"/Type /XObject /Subtype /Image /Width {WIDTH} /Height {HEIGHT} "
                   f"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode "
                   f"{predictor}", template_stream))
    yield emit(5, _obj(5, f"<< /Title ({_pdf_text(title)}) /Producer (hulin-trace) >>".encode()))
    lw, lh = WIDTH * PT_PER_PX, HEIGHT * PT_PER_PX
    for page in range(pages):
        part = items[page * PER_PAGE:(page + 1) * PER_PAGE]
        page_id, content_id = next_id, next_id + 1
        image_ids = list(range(next_id + 2, next_id + 2 + len(part)))
        next_id += 2 + len(part)
        page_ids.append(page_id)
        ops = []
        images = []
        for k, ((code, url), image_id) in enumerate(zip(part, image_ids, strict=True)):
            x, y = label_origin(k)
            rows, modules = renderer.qr_modules(url)
            scale = min(QR_BOX // modules, MAX_SCALE)
            size = modules * scale * PT_PER_PX
            qx = x + QR_LEFT * PT_PER_PX
            qy = y + lh - QR_TOP * PT_PER_PX - size
            width_bytes = (modules + 7) // 8
            pad = width_bytes * 8 - modules
            raw = b"".join(((r << pad) | ((1 << pad) - 1)).to_bytes(width_bytes, "big")
                           for r in rows)
            images.append(_stream(
                image_id,
                f"/Type /XObject /Subtype /Image /Width {modules} /Height {modules} "
                f"/ImageMask true /BitsPerComponent 1 /Filter /FlateDecode",
                zlib.compress(raw, 6)))
            tx = x + CODE_LEFT * PT_PER_PX
            ty = y + lh - (CODE_TOP + 32) * PT_PER_PX
            ops.append(
                f"q {_num(lw)} 0 0 {_num(lh)} {_num(x)} {_num(y)} cm /T Do Q\n"
                f"q {_num(size)} 0 0 {_num(size)} {_num(qx)} {_num(qy)} cm /Q{k} Do Q\n"
                f"BT /F1 {CODE_PT} Tf {_num(tx)} {_num(ty)} Td ({group_code(code)}) Tj ET\n")
        xobjects = " ".join(f"/Q{k} {i} 0 R" for k, i in enumerate(image_ids))
        yield emit(page_id, _obj(page_id, (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(PAGE_W)} {_num(PAGE_H)}] "
            f"/Contents {content_id} 0 R /Resources << /Font << /F1 3 0 R >> "
            f"/XObject << /T 4 0 R {xobjects} >> >> >>").encode()))
        yield emit(content_id, _stream(content_id, "/Filter /FlateDecode",
                           zlib.compress("".join(ops).encode(), 6)))
        for image_id, chunk in zip(image_ids, images, strict=True):
            yield emit(image_id, chunk)
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    yield emit(2, _obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()))
    size = next_id
    xref = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    xref += [b"%010d 00000 n \n" % numbered[n] for n in range(1, size)]
    start = written
    yield b"".join(xref) + (
        f"trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{start}\n%%EOF\n"
    ).encode()


def _pdf_text(text: str) -> str:
    """A PDF literal string: ASCII only here (titles are code and batch numbers)."""
    safe = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
