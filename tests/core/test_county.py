"""The county file: the plan's places, 13 industries and every target as data."""

from decimal import Decimal

import pytest

from server.core.config import PROJECT_ROOT, SettingsError
from server.core.county import load_county, parse_county


@pytest.fixture(scope="module")
def county():
    return load_county(PROJECT_ROOT / "county" / "hulin.toml")


def test_thirteen_industries_six_key(county):
    assert len(county.industries) == 13
    assert [i.name for i in county.industries if i.group == "key"] == [
        "玉米", "大豆", "水稻", "蜂蜜", "乳品", "肉类"]
    assert county.industry("食用菌").output_unit == "万袋"
    assert county.industry("soybean").name == "大豆"
    assert county.industry("dairy").milk_quality


def test_places_named_in_the_plan(county):
    for name in ["虎林镇", "东方红镇", "伟光乡", "珍宝岛乡", "庆丰农场", "850农场",
                 "七虎林林场", "虎林经济开发区", "迎春林业局"]:
        assert county.place(name) is not None, name
    assert county.place("东城镇").name == "东诚镇"   # the plan's other spelling
    assert county.place("经开区").name == "虎林经济开发区"
    assert county.place("上海市") is None


def test_every_target_of_design_table(county):
    keys = {t.key for t in county.targets}
    assert {"total_revenue", "leading_enterprises", "revenue_over_1bn", "above_scale_enterprises",
            "above_scale_over_100m", "strong_towns", "two_products_one_label", "traceability_rate",
            "soybean_revenue", "rice_revenue", "meat_revenue", "honey_revenue",
            "linden_honey_brand_units", "heitu_youpin_bee_products", "new_dairy_above_scale",
            "milk_output", "raw_milk_quality", "fungus_output", "forest_food_revenue",
            "herbal_revenue", "fishery_output_value", "prepared_dish_revenue",
            "grain_bean_processors", "grain_bean_above_scale", "investment_attracted"} <= keys
    total = county.target("total_revenue")
    assert (total.target, total.unit, total.scale) == (Decimal(70), "亿元", Decimal(10000))
    soy = county.target("soybean_revenue")
    assert soy.base_figure == Decimal("3068.86")   # 4100 / 1.336
    assert county.target("traceability_rate").target == Decimal(100)
    assert county.milk_standard.protein_pct_min == Decimal("3.2")


def test_a_broken_county_file_names_the_problem(county):
    data = {"county": {"code": "x", "name": "x", "plan_start_year": 2023, "plan_end_year": 2025},
            "places": [{"name": "甲镇", "kind": "city"}], "industries": [], "targets": [],
            "milk_standard": {"protein_pct_min": 3, "fat_pct_min": 3, "bacteria_per_ml_max": 1,
                              "somatic_cells_per_ml_max": 1}}
    with pytest.raises(SettingsError, match="COUNTY_FILE: place 甲镇 has unknown kind"):
        parse_county(data)
