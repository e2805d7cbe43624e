"""Trace labels: the QR code with the product, enterprise, batch, date and the code in text.

A label is a 1-bit image at 300 dpi, 63.5 x 38.1 mm: the size of the common 21-up A4
label sheet (3 x 7), and what thermal label printers print. Everything on a label except
the QR code and the code text is the same for the whole batch, so it is drawn once
(`LabelRenderer.template`) and each label is a copy with the QR symbol and the code's
characters (pre-drawn glyphs) pasted in, written as PNG by `png_bytes`. With the fast
encoder (qr/encoder.py) that makes labels in bulk many times faster than `qrcode.make`.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from multiprocessing import current_process, get_context

from PIL import Image, ImageDraw, ImageFont

from qr import encoder
from qr.codes import ALPHABET
from qr.fonts import font

DPI = 300
MM = DPI / 25.4
WIDTH, HEIGHT = 750, 450            # 63.5 x 38.1 mm at 300 dpi
# Boxes that change per label start and end on whole bytes of a packed row.
QR_LEFT, QR_TOP = 8, 4
QR_BYTES = 47                       # 376 px: the QR symbol with its quiet zone fits
QR_BOX = QR_BYTES * 8
MAX_SCALE = 10                      # pixels per module: 0.85 mm, easy for any phone
QUIET_ZONE = 4                      # modules, as the standard asks
TEXT_LEFT, TEXT_RIGHT = QR_LEFT + QR_BOX + 8, WIDTH - 18
BAND_TOP = 386                      # the band under the QR code: the code in text
CODE_LEFT, CODE_TOP = 112, BAND_TOP + 8
CODE_FONT_SIZE, CODE_HEIGHT = 34, 44
GLYPH_BYTES = 3                     # each code character: a 24 px cell
ERROR_CORRECTION = "M"
ZLIB_LEVEL = 1                      # 1-bit rows: level 1 is 4x sooner than 6 and ~20 % bigger
GREEN_FOOD = "绿色食品"
SCAN_HINT = "扫码查看来源"
BLACK, WHITE = 0, 1


@dataclass(frozen=True)
class LabelInfo:
    """What a batch's labels say besides their codes."""

    product_name: str
    spec: str
    enterprise_name: str
    batch_no: str
    production_date: date
    green_food: bool = False


def group_code(code: str) -> str:
    """The code as printed: groups of four, easier to read out and type."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def _wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < max_lines:
        cut = len(rest)
        while cut > 1 and face.getlength(rest[:cut]) > width:
            cut -= 1
        if len(lines) == max_lines - 1 and cut < len(rest):
            while cut > 1 and face.getlength(rest[:cut] + "…") > width:
                cut -= 1
            lines.append(rest[:cut] + "…")
            break
        lines.append(rest[:cut])
        rest = rest[cut:].lstrip()
    return lines


def png_bytes(image: Image.Image) -> bytes:
    """A 1-bit image as PNG with its 300 dpi recorded (pHYs), so it prints at size.

    Written directly (filter "none" on every row, one zlib stream): for 1-bit labels
    that is smaller than Pillow's PNG encoder output and several times sooner."""
    return png_from_idat(image.size, zlib.compress(_rows_with_filter_bytes(image), ZLIB_LEVEL))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_from_idat(size: tuple[int, int], stream: bytes) -> bytes:
    width, height = size
    per_metre = round(DPI / 0.0254)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", stream),
        _chunk(b"IEND", b""),
    ])


class LabelRenderer:
    """Draws the labels of one batch: the shared template once, then each code.

    Each label is composed as packed 1-bit PNG rows: a copy of the template's rows with
    the QR symbol's rows and the code's glyph rows written into their byte-aligned boxes.
    Pillow draws the text of the template and the glyphs, once per batch."""

    def __init__(self, info: LabelInfo) -> None:
        self.info = info
        self.row_bytes = 1 + (WIDTH + 7) // 8          # PNG filter byte + packed pixels
        self.template = self._draw_template()
        self.template_rows = _rows_with_filter_bytes(self.template)
        self._glyph_rows = self._glyphs()
        self._expand: dict[int, list[int]] = {}

    # -- the part every label of the batch shares ------------------------------------
    def _draw_template(self) -> Image.Image:
        info = self.info
        image = Image.new("1", (WIDTH, HEIGHT), WHITE)
        draw = ImageDraw.Draw(image)
        width = TEXT_RIGHT - TEXT_LEFT
        y = 22
        title, lines = _fit(info.product_name, (40, 36, 32), width, 2)
        for line in lines:
            draw.text((TEXT_LEFT, y), line, font=title, fill=BLACK, stroke_width=1,
                      stroke_fill=BLACK)
            y += title.size + 10
        body = font(26)
        if info.spec:
            draw.text((TEXT_LEFT, y + 2), _wrap(f"规格 {info.spec}", body, width, 1)[0],
                      font=body, fill=BLACK)
            y += 36
        y += 8
        face, lines = _fit(info.enterprise_name, (26, 23), width, 2)
        for line in lines:
            draw.text((TEXT_LEFT, y), line, font=face, fill=BLACK)
            y += face.size + 8
        for text in (f"批号 {info.batch_no}", f"生产日期 {info.production_date.isoformat()}"):
            draw.text((TEXT_LEFT, y), _wrap(text, body, width, 1)[0], font=body, fill=BLACK)
            y += 34
        if info.green_food:
            badge = font(28)
            left, top = TEXT_LEFT, BAND_TOP - 58
            box = (left, top, left + int(badge.getlength(GREEN_FOOD)) + 24, top + 46)
            draw.rounded_rectangle(box, radius=8, fill=BLACK)
            draw.text((left + 12, top + 8), GREEN_FOOD, font=badge, fill=WHITE)
        small = font(24)
        draw.text((20, BAND_TOP + 16), "追溯码", font=small, fill=BLACK)
        draw.text((WIDTH - 18 - int(small.getlength(SCAN_HINT)), BAND_TOP + 16), SCAN_HINT,
                  font=small, fill=BLACK)
        return image

    def _glyphs(self) -> dict[str, list[bytes]]:
        """Each code character as CODE_HEIGHT rows of GLYPH_BYTES bytes."""
        face = font(CODE_FONT_SIZE, mono=True)
        glyphs = {}
        for ch in ALPHABET + " ":
            cell = Image.new("1", (GLYPH_BYTES * 8, CODE_HEIGHT), WHITE)
            ImageDraw.Draw(cell).text((1, 2), ch, font=face, fill=BLACK)
            raw = cell.tobytes()
            glyphs[ch] = [raw[i:i + GLYPH_BYTES] for i in range(0, len(raw), GLYPH_BYTES)]
        return glyphs

    # -- per code ---------------------------------------------------------------------
    def qr_modules(self, url: str) -> tuple[list[int], int]:
        """The symbol's rows with the quiet zone, as ints (bit set = light module, the
        first module most significant), and the number of modules across."""
        symbol = encoder.encode(url, ERROR_CORRECTION)
        modules = symbol.n + 2 * QUIET_ZONE
        full = (1 << modules) - 1
        row_mask = (1 << symbol.n) - 1
        rows = [full] * QUIET_ZONE
        for r in range(symbol.n):
            rows.append(full ^ (symbol.rows >> (r * symbol.stride) & row_mask) << QUIET_ZONE)
        return rows + [full] * QUIET_ZONE, modules

    def _qr_rows(self, url: str) -> tuple[list[bytes], int]:
        """The symbol's module rows as packed pixel rows filling the QR box (white to its
        right edge), and the scale (pixels per module) they were drawn at."""
        rows, modules = self.qr_modules(url)
        scale = min(QR_BOX // modules, MAX_SCALE)
        expand = self._expand.get(scale)
        if expand is None:   # each byte of 8 modules -> 8*scale pixel bits
            expand = self._expand[scale] = [
                sum(((1 << scale) - 1) << (scale * (7 - j)) for j in range(8) if v >> (7 - j) & 1)
                for v in range(256)
            ]
        in_bytes = (modules + 7) // 8
        pad = in_bytes * 8 - modules
        spare = QR_BOX - modules * scale       # white up to the box's right edge
        white_spare = (1 << spare) - 1
        out = []
        for white in rows:
            wide = 0
            for byte in (white << pad).to_bytes(in_bytes, "big"):
                wide = wide << 8 * scale | expand[byte]
            wide >>= pad * scale                     # drop the padding modules again
            out.append(((wide << spare) | white_spare).to_bytes(QR_BYTES, "big"))
        return out, scale

    def raw_rows(self, code: str, url: str) -> bytes:
        """The label's PNG scanlines (filter byte + packed pixels per row)."""
        buf = bytearray(self.template_rows)
        stride = self.row_bytes
        qr_rows, scale = self._qr_rows(url)
        offset = QR_TOP * stride + 1 + QR_LEFT // 8
        for row in qr_rows:
            for _ in range(scale):
                buf[offset:offset + QR_BYTES] = row
                offset += stride
        glyphs = [self._glyph_rows[ch] for ch in group_code(code)]
        offset = CODE_TOP * stride + 1 + CODE_LEFT // 8
        for y in range(CODE_HEIGHT):
            line = b"".join([g[y] for g in glyphs])
            buf[offset:offset + len(line)] = line
            offset += stride
        return bytes(buf)

    def png(self, code: str, url: str) -> bytes:
        return png_from_idat((WIDTH, HEIGHT), zlib.compress(self.raw_rows(code, url), ZLIB_LEVEL))

    def image(self, code: str, url: str) -> Image.Image:
        return Image.open(io.BytesIO(self.png(code, url)))


def _rows_with_filter_bytes(image: Image.Image) -> bytes:
    raw = image.tobytes()
    stride = (image.size[0] + 7) // 8
    return b"".join(b"\x00" + raw[i:i + stride] for i in range(0, len(raw), stride))


def _fit(text: str, sizes: tuple[int, ...], width: int,
         max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which `text` fits on one line, else on `max_lines` lines;
    else the smallest size, cut short with an ellipsis."""
    for lines_allowed in range(1, max_lines + 1):
        for size in sizes:
            face = font(size)
            lines = _wrap(text, face, width, max_lines)
            if len(lines) <= lines_allowed and not (lines and lines[-1].endswith("…")):
                return face, lines
    return face, lines


# -- many labels, on every core ------------------------------------------------------------

@lru_cache(maxsize=4)
def _renderer(info: LabelInfo) -> LabelRenderer:
    return LabelRenderer(info)


def _render_chunk(info: LabelInfo, items: list[tuple[str, str]]) -> list[bytes]:
    renderer = _renderer(info)
    return [renderer.png(code, url) for code, url in items]


def can_use_processes() -> bool:
    """Sanic's workers are daemonic processes, which may not start children."""
    return not current_process().daemon


def render_pngs(info: LabelInfo, items: Iterable[tuple[str, str]], *, workers: int = 1,
                chunk: int = 250) -> Iterator[tuple[str, bytes]]:
    """(code, PNG) for each (code, url), in order; on `workers` processes when > 1."""
    items = list(items)
    if workers <= 1 or len(items) < 2 * chunk or not can_use_processes():
        renderer = _renderer(info)
        for code, url in items:
            yield code, renderer.png(code, url)
        return
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        for part, pngs in zip(chunks, pool.map(_render_chunk, [info] * len(chunks), chunks),
                              strict=True):
            yield from zip((code for code, _ in part), pngs, strict=True)
