"""Normalising what people type on phones: full-width characters, stray spaces."""

# Full-width ASCII (as Chinese input methods produce) -> half-width.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def halfwidth(value: str) -> str:
    """'１２３ＡＢＣ' -> '123ABC'; leaves Chinese characters alone."""
    return value.translate(_FULLWIDTH)


def clean_text(value: object) -> str:
    """A stripped string from any scalar input; None becomes ''."""
    if value is None:
        return ""
    return str(value).strip()
