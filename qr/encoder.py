"""A fast QR encoder for many codes: the same symbols as `qrcode`, about 20 times sooner.

`qrcode` spends most of its time in pure-Python Reed-Solomon arithmetic and in scoring
the eight mask patterns module by module. This encoder gives bit-for-bit the symbol
`qrcode` would make for the same segments, version and level (the tests compare them,
mask choice included), by two exact shortcuts:

- Reed-Solomon error correction is linear over GF(2): the codewords of a message are the
  XOR of the codewords of its bits. So, once per version and level, every data-bit's
  whole contribution to the symbol (its own module and all the error-correction modules
  it changes) is precomputed, and a symbol is the XOR of a few dozen table entries.
- The symbol is held as one big integer per orientation (rows, and columns), one bit per
  module with a light guard bit after each line. The standard's penalty rules (runs,
  2x2 blocks, finder-like patterns, dark ratio) then become a few dozen shifts, ANDs and
  popcounts on the whole symbol at once, so every mask is still scored, not skipped.

Modules are addressed as bit `line * stride + (n - 1 - pos)`: the first module of a
row is its most significant bit, which makes rasterising a row a plain `to_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import Image
from qrcode import base, constants, util
from qrcode.main import QRCode

LEVELS = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
          "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_INDEX = {ch: i for i, ch in enumerate(ALNUM)}
_ALNUM_TAIL = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class Segment:
    """A run of the message in one mode: byte (8 bits a byte) or alphanumeric (5.5 bits)."""

    mode: int
    data: bytes

    def qrdata(self) -> util.QRData:
        return util.QRData(self.data, mode=self.mode, check_data=False)

    def bit_length(self, version: int) -> int:
        header = 4 + util.length_in_bits(self.mode, version)
        if self.mode == util.MODE_ALPHA_NUM:
            return header + 11 * (len(self.data) // 2) + 6 * (len(self.data) % 2)
        return header + 8 * len(self.data)

    def append_to(self, acc: int, version: int) -> tuple[int, int]:
        """The bit stream `acc` with this segment appended, and the bits added."""
        count_bits = util.length_in_bits(self.mode, version)
        acc = (acc << 4 | self.mode) << count_bits | len(self.data)
        if self.mode == util.MODE_ALPHA_NUM:
            text = self.data.decode()
            for i in range(0, len(text) - 1, 2):
                acc = acc << 11 | _ALNUM_INDEX[text[i]] * 45 + _ALNUM_INDEX[text[i + 1]]
            if len(text) % 2:
                acc = acc << 6 | _ALNUM_INDEX[text[-1]]
        else:
            acc = acc << 8 * len(self.data) | int.from_bytes(self.data, "big")
        return acc, self.bit_length(version)


def segments_for(text: str) -> list[Segment]:
    """Byte mode, with a trailing run of upper-case letters and digits (a trace code) in
    alphanumeric mode when that makes the message shorter."""
    raw = text.encode("utf-8")
    tail = 0
    while tail < len(text) and text[len(text) - 1 - tail] in _ALNUM_TAIL:
        tail += 1
    if tail == len(text) and tail:
        return [Segment(util.MODE_ALPHA_NUM, raw)]
    whole = [Segment(util.MODE_8BIT_BYTE, raw)]
    if tail < 6:
        return whole
    head = text[: len(text) - tail].encode("utf-8")
    split = [Segment(util.MODE_8BIT_BYTE, head),
             Segment(util.MODE_ALPHA_NUM, text[len(text) - tail:].encode())]
    bits = lambda segs: sum(s.bit_length(1) for s in segs)  # noqa: E731
    return split if bits(split) < bits(whole) else whole


class Template:
    """Everything about one version and level that does not depend on the message."""

    def __init__(self, version: int, level: int) -> None:
        self.version, self.level = version, level
        n = self.n = version * 4 + 17
        self.stride = n + 1                      # one light guard bit after each line
        self.rs_blocks = base.rs_blocks(version, level)
        self.data_count = sum(b.data_count for b in self.rs_blocks)
        self.bit_limit = self.data_count * 8

        probe = QRCode(version=version, error_correction=level, border=0)
        probe.modules_count = n
        self.function_rows = self._function_modules(probe, test=True)
        data_cells = self._data_cells(probe)
        self.valid = self._bits((r, c) for r in range(n) for c in range(n))
        # The function patterns as scored (format bits light, as `qrcode` scores them),
        # and as finally drawn with each mask's format information.
        self.function_test = self._pair(self._dark(self.function_rows))
        self.function_final = []
        for mask in range(8):
            probe.modules = [row[:] for row in self.function_rows]
            probe.setup_type_info(False, mask)
            if version >= 7:
                probe.setup_type_number(False)
            probe.modules[n - 8][8] = True
            self.function_final.append(self._pair(self._dark(probe.modules)))
        self.masks = []
        for mask in range(8):
            flips = util.mask_func(mask)
            self.masks.append(self._pair([cell for cell in data_cells if flips(*cell)]))
        self.tables = self._codeword_tables(data_cells)

    # -- building ---------------------------------------------------------------------
    def _function_modules(self, probe: QRCode, *, test: bool) -> list[list]:
        n = self.n
        probe.modules = [[None] * n for _ in range(n)]
        probe.setup_position_probe_pattern(0, 0)
        probe.setup_position_probe_pattern(n - 7, 0)
        probe.setup_position_probe_pattern(0, n - 7)
        probe.setup_position_adjust_pattern()
        probe.setup_timing_pattern()
        probe.setup_type_info(test, 0)
        if self.version >= 7:
            probe.setup_type_number(test)
        probe.modules[n - 8][8] = not test
        return [row[:] for row in probe.modules]

    def _data_cells(self, probe: QRCode) -> list[tuple[int, int]]:
        """Data module positions in placement order (the standard's zigzag, as qrcode)."""
        n, rows = self.n, self.function_rows
        cells = []
        row, inc = n - 1, -1
        for col in range(n - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if rows[row][c] is None:
                        cells.append((row, c))
                row += inc
                if row < 0 or row >= n:
                    row -= inc
                    inc = -inc
                    break
        return cells

    def _dark(self, modules: list[list]) -> list[tuple[int, int]]:
        return [(r, c) for r, line in enumerate(modules) for c, v in enumerate(line) if v]

    def _bits(self, cells, *, transpose: bool = False) -> int:
        n, stride, value = self.n, self.stride, 0
        for r, c in cells:
            if transpose:
                r, c = c, r
            value |= 1 << (r * stride + n - 1 - c)
        return value

    def _pair(self, cells) -> tuple[int, int]:
        cells = list(cells)
        return self._bits(cells), self._bits(cells, transpose=True)

    def _codeword_tables(self, data_cells) -> list[tuple[list, list]]:
        """Per data codeword: for its high and low nibble, the (rows, columns) bits of
        every module that nibble value turns dark, error correction included."""
        unit = []   # per data bit (codeword i, bit b from the top): (rows, columns)
        for i in range(self.data_count):
            for b in range(8):
                data = [0] * self.data_count
                data[i] = 0x80 >> b
                stream = self._with_error_correction(data)
                dark = [data_cells[k * 8 + j] for k, word in enumerate(stream)
                        for j in range(8) if word >> (7 - j) & 1]
                unit.append(self._pair(dark))
        tables = []
        for i in range(self.data_count):
            halves = []
            for first_bit in (0, 4):           # high nibble, then low nibble
                entries = []
                for nibble in range(16):
                    rows = cols = 0
                    for j in range(4):
                        if nibble >> (3 - j) & 1:
                            r, c = unit[i * 8 + first_bit + j]
                            rows ^= r
                            cols ^= c
                    entries.append((rows, cols))
                halves.append(entries)
            tables.append(tuple(halves))
        return tables

    def _with_error_correction(self, data: list[int]) -> list[int]:
        """Data and error-correction codewords, interleaved by block (as qrcode does).
        qrcode's arithmetic cannot take an all-zero block; its codewords are zero."""
        blocks, offset = [], 0
        for block in self.rs_blocks:
            words = data[offset:offset + block.data_count]
            offset += block.data_count
            ec_count = block.total_count - block.data_count
            if any(words):
                buffer = util.BitBuffer()
                buffer.buffer, buffer.length = list(words), 8 * len(words)
                ec = util.create_bytes(buffer, [block])[len(words):]
            else:
                ec = [0] * ec_count
            blocks.append((words, ec))
        stream = []
        for part in (0, 1):
            longest = max(len(b[part]) for b in blocks)
            stream += [b[part][k] for k in range(longest) for b in blocks if k < len(b[part])]
        return stream

    # -- per message --------------------------------------------------------------------
    def codewords(self, segments: list[Segment]) -> bytes:
        """The data codewords: segments, terminator, byte padding, pad codewords."""
        acc = length = 0
        for segment in segments:
            acc, added = segment.append_to(acc, self.version)
            length += added
        if length > self.bit_limit:
            raise ValueError("message too long for this version")
        pad = min(self.bit_limit - length, 4)          # terminator
        pad += (-(length + pad)) % 8                      # to a whole byte
        acc <<= pad
        length += pad
        for k in range((self.bit_limit - length) // 8):
            acc = acc << 8 | (0xEC if k % 2 == 0 else 0x11)
        return acc.to_bytes(self.data_count, "big")

    def symbol(self, segments: list[Segment]) -> tuple[int, int]:
        """(rows bits, chosen mask) of the finished symbol."""
        rows = cols = 0
        for word, (high, low) in zip(self.codewords(segments), self.tables, strict=True):
            r, c = high[word >> 4]
            rows ^= r
            cols ^= c
            r, c = low[word & 15]
            rows ^= r
            cols ^= c
        best_mask, best_score = 0, None
        f_rows, f_cols = self.function_test
        for mask, (m_rows, m_cols) in enumerate(self.masks):
            score = self.penalty((rows ^ m_rows) | f_rows, (cols ^ m_cols) | f_cols)
            if best_score is None or score < best_score:
                best_mask, best_score = mask, score
        return (rows ^ self.masks[best_mask][0]) | self.function_final[best_mask][0], best_mask

    def penalty(self, rows: int, cols: int) -> int:
        """The standard's mask score, exactly as `qrcode.util.lost_point` computes it."""
        valid, stride = self.valid, self.stride
        score = 0
        for dark in (rows, cols):
            light = ~dark & valid
            for run in (dark, light):               # N1: runs of five or more
                five = run & run >> 1 & run >> 2 & run >> 3 & run >> 4
                score += five.bit_count() + 2 * (five & ~(five >> 1)).bit_count()
            # N3: 1011101 with four light modules after it (10111010000), or before it
            # (00001011101); bit k of `x >> k` is the module k places further on.
            core = light >> 1 & dark >> 4 & light >> 5 & dark >> 6 & light >> 9
            if core:
                first = dark & dark >> 2 & dark >> 3 & light >> 7 & light >> 8 & light >> 10
                second = light & light >> 2 & light >> 3 & dark >> 7 & dark >> 8 & dark >> 10
                score += 40 * (core & (first | second)).bit_count()
        light = ~rows & valid                       # N2: 2x2 blocks of one colour
        below, light_below = rows >> stride, light >> stride
        blocks = (rows & below & rows >> 1 & below >> 1).bit_count()
        blocks += (light & light_below & light >> 1 & light_below >> 1).bit_count()
        score += 3 * blocks
        percent = float(rows.bit_count()) / (self.n ** 2)   # N4: dark ratio
        return score + int(abs(percent * 100 - 50) / 5) * 10


@lru_cache(maxsize=16)
def template(version: int, level: int) -> Template:
    return Template(version, level)


def fit_version(segments: list[Segment], level: int) -> int:
    for version in range(1, 41):
        bits = sum(s.bit_length(version) for s in segments)
        if bits <= util.BIT_LIMIT_TABLE[level][version]:
            return version
    raise ValueError("message too long for a QR code")


@dataclass(frozen=True)
class Symbol:
    """A finished QR symbol: `rows` holds module (r, c) at bit r*stride + n-1-c."""

    version: int
    level: int
    mask: int
    n: int
    stride: int
    rows: int

    def module(self, r: int, c: int) -> bool:
        return bool(self.rows >> (r * self.stride + self.n - 1 - c) & 1)

    def matrix(self) -> list[list[bool]]:
        return [[self.module(r, c) for c in range(self.n)] for r in range(self.n)]

    def image(self, scale: int, border: int = 4) -> Image.Image:
        """Black on white, mode "1", `border` light modules of quiet zone on each side."""
        n = self.n
        width = n + 2 * border
        pad = -width % 8
        full = (1 << width) - 1
        row_mask = (1 << n) - 1
        blank = (full << pad).to_bytes((width + pad) // 8, "big")
        lines = [blank] * border
        for r in range(n):
            dark = self.rows >> (r * self.stride) & row_mask
            lines.append(((full ^ dark << border) << pad).to_bytes((width + pad) // 8, "big"))
        lines += [blank] * border
        small = Image.frombytes("1", (width, width), b"".join(lines))
        return small.resize((width * scale, width * scale), Image.Resampling.NEAREST)


def encode(text: str, level: str = "M", version: int | None = None) -> Symbol:
    """The QR symbol for `text` at error-correction `level` (smallest version that fits)."""
    ec = LEVELS[level]
    segments = segments_for(text)
    version = version or fit_version(segments, ec)
    tpl = template(version, ec)
    rows, mask = tpl.symbol(segments)
    return Symbol(version, ec, mask, tpl.n, tpl.stride, rows)
