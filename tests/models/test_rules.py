"""The plain rules people's input passes through: periods, money, dates, GTIN, phones."""

from datetime import date
from decimal import Decimal

import pytest

from models.rules import RuleError
from models.rules.dates import check_date_order, parse_date
from models.rules.gtin import parse_gtin
from models.rules.numbers import money_str, parse_count, parse_money, parse_quantity
from models.rules.password import check_password
from models.rules.period import Period, parse_period, periods_between
from models.rules.phone import parse_phone


class TestPeriod:
    def test_parses_and_prints(self):
        assert parse_period("2025-03") == Period(2025, 3)
        assert str(parse_period("2025-3")) == "2025-03"
        assert parse_period("２０２５-１２") == Period(2025, 12)

    @pytest.mark.parametrize("raw", ["2025-13", "2025-00", "2025/03", "25-03", "2025-03-01",
                                     "", "abcd-ef", "1999-05"])
    def test_rejects(self, raw):
        with pytest.raises(RuleError):
            parse_period(raw)

    def test_month_13_message(self):
        with pytest.raises(RuleError, match="1至12"):
            parse_period("2025-13")

    def test_arithmetic(self):
        p = Period(2025, 1)
        assert p.previous == Period(2024, 12)
        assert Period(2024, 12).next == p
        assert p.same_month_last_year == Period(2024, 1)
        assert Period(2024, 2).last_day == date(2024, 2, 29)
        assert Period(2025, 12).deadline(10) == date(2026, 1, 10)
        assert len(periods_between(Period(2024, 11), Period(2025, 2))) == 4


class TestMoney:
    def test_decimal_exact(self):
        assert parse_money("0.1") + parse_money("0.2") == Decimal("0.3")
        assert parse_money("1,234.5") == Decimal("1234.5")
        assert parse_money(Decimal("12.3456")) == Decimal("12.3456")
        assert parse_money(7) == Decimal(7)

    @pytest.mark.parametrize(
        ("raw", "message"),
        [("-5", "不能为负数"), ("abc", "应为数字"), ("12a", "应为数字"), ("1.23456", "4位小数"),
         ("1e15", "过大"), ("NaN", "应为数字"), ("Infinity", "应为数字"), (True, "应为数字")],
    )
    def test_rejects(self, raw, message):
        with pytest.raises(RuleError, match=message):
            parse_money(raw, "营业收入")

    def test_money_str_keeps_two_places_at_least(self):
        assert money_str(Decimal("12")) == "12.00"
        assert money_str(Decimal("12.3400")) == "12.34"
        assert money_str(Decimal("12.3456")) == "12.3456"
        assert money_str(None) is None

    def test_quantity_and_count(self):
        assert parse_quantity("3.125") == Decimal("3.125")
        assert parse_count("12", "人数") == 12
        with pytest.raises(RuleError, match="整数"):
            parse_count("12.5", "人数")
        with pytest.raises(RuleError, match="不能大于"):
            parse_count("101", "数量", maximum=100)


class TestDates:
    def test_formats(self):
        assert parse_date("2025-03-09") == date(2025, 3, 9)
        assert parse_date("2025/3/9") == date(2025, 3, 9)
        assert parse_date("2025年3月9日") == date(2025, 3, 9)

    @pytest.mark.parametrize("raw", ["2025-02-30", "2025-13-01", "09/03/2025", "tomorrow", ""])
    def test_rejects(self, raw):
        with pytest.raises(RuleError):
            parse_date(raw, "颁证日期")

    def test_order(self):
        check_date_order(date(2025, 1, 1), date(2026, 1, 1), "x")
        with pytest.raises(RuleError, match="有效期"):
            check_date_order(date(2026, 1, 1), date(2025, 1, 1), "有效期应晚于颁证日期")


class TestGtin:
    def test_valid_and_normalised(self):
        assert parse_gtin("6901234567892") == "06901234567892"
        assert parse_gtin("96385074") == "00000096385074"

    @pytest.mark.parametrize("raw", ["6901234567893", "690123456789", "abcdefghijklm", ""])
    def test_rejects(self, raw):
        with pytest.raises(RuleError):
            parse_gtin(raw)


def test_phone():
    assert parse_phone("138 0467 0001") == "13804670001"
    assert parse_phone("+8613804670001") == "13804670001"
    for bad in ["12345", "23804670001", "1380467000a"]:
        with pytest.raises(RuleError):
            parse_phone(bad)


def test_password_rules():
    assert check_password("long-enough-pass", phone="13800000000")
    for bad, why in [("short", "至少12位"), ("aaaaaaaaaaaaaa", "过于简单"),
                     ("123456789012", "过于常见"), ("x13800000000y", "手机号")]:
        with pytest.raises(RuleError, match=why):
            check_password(bad, phone="13800000000")


def test_certificate_validity_edges():
    from models.rules.validity import Validity, certificate_validity

    issued, expires = date(2023, 1, 10), date(2026, 1, 9)
    assert certificate_validity(issued, expires, date(2023, 1, 9)) == Validity.NOT_YET_VALID
    assert certificate_validity(issued, expires, date(2023, 1, 10)) == Validity.VALID
    assert certificate_validity(issued, expires, date(2025, 10, 11)) == Validity.EXPIRING
    assert certificate_validity(issued, expires, date(2025, 10, 10)) == Validity.VALID
    assert certificate_validity(issued, expires, date(2026, 1, 9)).is_valid   # last day counts
    assert certificate_validity(issued, expires, date(2026, 1, 10)) == Validity.EXPIRED
    assert Validity.EXPIRED.label == "已过期"


def test_milk_standard():
    from models.rules.milk import milk_shortfalls
    from server.core.config import PROJECT_ROOT
    from server.core.county import load_county

    standard = load_county(PROJECT_ROOT / "county" / "hulin.toml").milk_standard
    good = dict(protein_pct=Decimal("3.2"), fat_pct=Decimal("3.8"), bacteria_per_ml=100_000,
                somatic_cells_per_ml=200_000)
    assert milk_shortfalls(standard, **good) == []
    bad = milk_shortfalls(standard, protein_pct=Decimal("3.19"), fat_pct=Decimal("3.9"),
                          bacteria_per_ml=100_001, somatic_cells_per_ml=250_000)
    assert len(bad) == 3 and "乳蛋白率3.19%低于3.2%" in bad[0]
