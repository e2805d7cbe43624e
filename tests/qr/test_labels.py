"""Labels: every one decodes back to its exact URL, and Chinese renders with real glyphs."""

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from qr.codes import new_code
from qr.fonts import font, missing_glyphs
from qr.labels import DPI, HEIGHT, WIDTH, LabelInfo, LabelRenderer, render_pngs
from qr.sheets import PER_PAGE, labels_pdf
from server.demo.data import ENTERPRISES

SECRET = "a-secret-key-for-tests-0123456789abcdef"
INFO = LabelInfo("虎林椴树蜜（精品礼盒装）", "500g/瓶", "虎林市珍宝岛蜂业有限责任公司",
                 "20250315-01", date(2025, 3, 15), green_food=True)


def items(n, base="https://trace.example.cn/t/"):
    return [(c, base + c) for c in (new_code(SECRET) for _ in range(n))]


def decoded(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image.convert("L")))


def test_each_label_png_decodes_to_its_exact_url_and_prints_at_300_dpi():
    renderer = LabelRenderer(INFO)
    for code, url in items(60):
        image = Image.open(io.BytesIO(renderer.png(code, url)))
        assert image.size == (WIDTH, HEIGHT) and image.mode == "1"
        assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
        assert decoded(image) == [url]


def test_labels_from_several_processes_are_the_same_and_in_order():
    pairs = items(600)
    one = list(render_pngs(INFO, pairs, workers=1))
    two = list(render_pngs(INFO, pairs, workers=2, chunk=100))
    assert [c for c, _ in two] == [c for c, _ in pairs]
    assert one == two


def test_label_text_and_the_green_food_badge(tmp_path):
    plain = LabelRenderer(LabelInfo(**{**INFO.__dict__, "green_food": False}))
    green = LabelRenderer(INFO)
    code, url = items(1)[0]
    a, b = plain.image(code, url), green.image(code, url)
    # the badge is a black box in the text column only when the product is green food
    box = (400, 320, 560, 380)
    assert b.crop(box).convert("L").getextrema()[0] == 0
    assert a.crop(box).convert("L").getextrema() == (255, 255)
    # and the code is printed in the band under the QR symbol
    assert a.crop((110, 392, 520, 436)).convert("L").getextrema()[0] == 0


CJK_PUNCTUATION = "（）：，。·—“”《》、"


def _gb2312_level1() -> str:
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


def test_the_label_font_has_a_real_glyph_for_every_character_labels_use():
    """No box instead of a character: all 3,755 common hanzi (GB2312 level 1), our
    punctuation, and every name of the demo county."""
    face = font(32)
    common = _gb2312_level1()
    assert len(common) == 3755
    demo = "".join(e.name + "".join(p for p, _ in e.products) for e in ENTERPRISES)
    text = common + CJK_PUNCTUATION + demo + "绿色食品追溯码扫码查看来源规格批号生产日期椴"
    assert missing_glyphs(text, face) == []
    # the check itself works: characters outside the font are reported
    assert missing_glyphs("米\U0001F600\U00010400", face) == ["\U00010400", "\U0001F600"]


def test_zip_of_labels(tmp_path):
    pairs = items(30)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for code, png in render_pngs(INFO, pairs):
            archive.writestr(f"{code}.png", png)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for code, url in pairs:
            assert decoded(Image.open(io.BytesIO(archive.read(f"{code}.png")))) == [url]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_pdf_sheet_every_label_decodes_after_a_real_pdf_renderer(tmp_path):
    pairs = items(PER_PAGE + 5)
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(b"".join(labels_pdf(INFO, pairs, title="20250315-01")))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(Path(tmp_path).glob("page-*.png"))
    assert len(pages) == 2
    found = []
    for page in pages:
        found += decoded(Image.open(page))
    assert sorted(found) == sorted(url for _, url in pairs)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    first = pairs[0][0]
    assert f"{first[:4]} {first[4:8]} {first[8:12]} {first[12:]}" in text
