"""Evidence photos: decoded by Pillow (never trusted by name or declared type), turned
upright, shrunk to at most 1600 px on the long side and re-encoded as a fresh JPEG that
carries no metadata at all (EXIF, GPS, XMP, ICC, comments are all left behind).

Plain functions on bytes, run in a worker thread by the service: decoding is CPU work.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from models.rules import RuleError

LONG_SIDE = 1600
THUMB_SIDE = 480
JPEG_QUALITY = 85
# Formats phones and screenshots produce. Anything else (PDF, SVG, PSD...) is refused
# even when Pillow could read it.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
# 50 megapixels is more than any phone camera stores; a larger canvas is a trap
# ("decompression bomb") rather than a photo.
MAX_PIXELS = 50_000_000

NOT_AN_IMAGE = "文件不是可识别的图片，请拍照或选择手机相册中的照片（JPG、PNG）"
TOO_BIG = "图片尺寸过大，请用手机拍照后上传"


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparency and palettes would not survive JPEG."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A brand-new image holds pixels only, so nothing of the original's metadata can
    # ride along into the file.
    clean = Image.new("RGB", copy.size)
    clean.paste(copy)
    out = BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), clean.width, clean.height


def reencode(data: bytes) -> Photo:
    """The photo re-encoded; RuleError (shown next to the upload field) when it is not one."""
    if not data:
        raise RuleError("请选择要上传的照片")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise RuleError(NOT_AN_IMAGE)
                if image.width * image.height > MAX_PIXELS:
                    raise RuleError(TOO_BIG)
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                rgb = _flatten(upright)
    except RuleError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RuleError(TOO_BIG) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            IndexError, TypeError, KeyError, ZeroDivisionError):
        # Pillow reports a damaged or disguised file in many ways; all mean "not a photo".
        raise RuleError(NOT_AN_IMAGE) from None
    jpeg, width, height = _jpeg(rgb, LONG_SIDE)
    thumbnail, _, _ = _jpeg(rgb, THUMB_SIDE)
    return Photo(jpeg, thumbnail, width, height, hashlib.sha256(jpeg).hexdigest())
