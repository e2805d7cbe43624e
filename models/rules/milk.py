"""The plan's raw-milk standard: protein ≥ 3.2 %, fat ≥ 3.8 %, bacteria ≤ 10万/mL,
somatic cells ≤ 20万/mL (thresholds come from the county file)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol


class MilkStandardLike(Protocol):
    protein_pct_min: Decimal
    fat_pct_min: Decimal
    bacteria_per_ml_max: int
    somatic_cells_per_ml_max: int


def milk_shortfalls(standard: MilkStandardLike, *, protein_pct: Decimal | None,
                    fat_pct: Decimal | None, bacteria_per_ml: int | None,
                    somatic_cells_per_ml: int | None) -> list[str]:
    """What misses the standard, in Chinese; empty when every given figure meets it.

    Figures not reported (None) are not judged here: whether they are required is the
    report form's rule.
    """
    problems = []
    if protein_pct is not None and protein_pct < standard.protein_pct_min:
        problems.append(f"乳蛋白率{protein_pct}%低于{standard.protein_pct_min}%")
    if fat_pct is not None and fat_pct < standard.fat_pct_min:
        problems.append(f"乳脂肪率{fat_pct}%低于{standard.fat_pct_min}%")
    if bacteria_per_ml is not None and bacteria_per_ml > standard.bacteria_per_ml_max:
        problems.append(f"菌落总数{bacteria_per_ml:,}/mL超过{standard.bacteria_per_ml_max:,}/mL")
    somatic_max = standard.somatic_cells_per_ml_max
    if somatic_cells_per_ml is not None and somatic_cells_per_ml > somatic_max:
        problems.append(
            f"体细胞数{somatic_cells_per_ml:,}/mL超过{standard.somatic_cells_per_ml_max:,}/mL")
    return problems
