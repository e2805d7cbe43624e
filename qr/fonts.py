"""The CJK font printed on labels, and a check that a text has a real glyph for each character.

The project's set-up installs Debian's `fonts-wqy-zenhei` (scripts/system-deps.sh); Noto
CJK is used where that is what the machine has. A missing font is a set-up error with a
message that says what to install, never a label full of empty boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# (file, face index of the regular face, face index of a monospaced face)
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 1),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, 7),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2, 7),
)
INSTALL_HINT = "CJK font for labels not found: run `make system-deps` (Debian fonts-wqy-zenhei)"
# A code point no font maps: what the font draws for it is its "missing glyph" box.
_SURELY_MISSING = "\U0010fffd"


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: str
    regular_index: int
    mono_index: int


@lru_cache(maxsize=1)
def font_file() -> FontFile:
    for path, regular, mono in CANDIDATES:
        if Path(path).is_file():
            return FontFile(path, regular, mono)
    raise FontMissing(INSTALL_HINT)


@lru_cache(maxsize=64)
def font(size: int, *, mono: bool = False) -> ImageFont.FreeTypeFont:
    f = font_file()
    return ImageFont.truetype(f.path, size, index=f.mono_index if mono else f.regular_index)


def _drawn(face: ImageFont.FreeTypeFont, ch: str) -> bytes:
    size = face.size * 2
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).text((size // 4, size // 4), ch, font=face, fill=255)
    return image.tobytes()


def missing_glyphs(text: str, face: ImageFont.FreeTypeFont | None = None) -> list[str]:
    """The characters of `text` the font would draw as its missing-glyph box."""
    face = face or font(32)
    box = _drawn(face, _SURELY_MISSING)
    return sorted({ch for ch in text if not ch.isspace() and _drawn(face, ch) == box})
