"""One workbook per supervision list, shared by the pages and the JSON API.

Each function takes what the service returned and gives (file name, xlsx bytes); the
first sheet is the list itself with its header in row 1, so it filters and sorts in
Excel as it is.
"""

from __future__ import annotations

from models import Complaint
from models.enums import Platform, ReportStatus, Verification
from server.core import clock
from server.core.county import County
from server.features.supervision.breakdown import Breakdown
from server.features.supervision.compliance import TraceabilityCompliance
from server.features.supervision.expiring import Expiring, ExpiringCertificate
from server.features.supervision.figures import FiguresPage
from server.features.supervision.milk import MilkQuality
from server.features.supervision.progress import SOURCES, PlanProgress
from server.features.supervision.submissions import Pending, Submissions
from server.features.supervision.window import Window
from server.features.supervision.xlsx import Column, Sheet, info_sheet, workbook

C = Column


def _industry(county: County, code: str) -> str:
    industry = county.industry(code)
    return industry.name if industry else code


def _label(enum_type, value):
    return enum_type(value).label if value else ""


def traceability(report: TraceabilityCompliance, county: County) -> tuple[str, bytes]:
    main = Sheet("新认证企业", [
        C("企业名称", 36), C("统一社会信用代码", 22), C("所在地", 14), C("产业", 10),
        C("首次绿色食品认证日期", 20, "date"), C("进驻情况", 18), C("注册日期", 12, "date"),
        C("追溯平台", 26), C("核验状态", 12), C("未进驻天数", 12, "int"), C("联系人", 10),
        C("联系电话", 16),
    ])
    for r in report.rows:
        main.rows.append([
            r.name, r.credit_code, r.township, r.industry_name, r.certified_on, r.state_label,
            r.registered_on, _label(Platform, r.platform), _label(Verification, r.verification),
            r.days_waiting, r.contact_name, r.contact_phone])
    group_columns = [C("新认证企业", 12, "int"), C("已进驻", 10, "int"),
                     C("已核验", 10, "int"), C("未进驻", 10, "int"),
                     C("进驻率（自报）", 14, "percent"), C("进驻率（核验）", 14, "percent")]

    def group_rows(groups):
        return [[g.label, g.counts.newly_certified, g.counts.registered,
                 g.counts.registered_verified, g.counts.missing, g.counts.rate,
                 g.counts.rate_verified] for g in groups]

    places = Sheet("按地区", [C("地区", 16), *group_columns], group_rows(report.by_place))
    industries = Sheet("按产业", [C("产业", 12), *group_columns], group_rows(report.by_industry))
    c = report.counts
    info = info_sheet([
        f"{county.name}新认证绿色食品加工企业追溯平台进驻情况（{report.window.label}，"
        f"{report.window.since}至{report.window.until}）",
        f"目标进驻率：{report.target_rate}%",
        f"新认证企业{c.newly_certified}家，已进驻{c.registered}家，其中已核验"
        f"{c.registered_verified}家；进驻率（自报）{_pct(c.rate)}，进驻率（核验）"
        f"{_pct(c.rate_verified)}",
        "新认证：该企业的第一张绿色食品证书颁发于统计期内；已进驻：统计期末前已在国家或省级"
        "追溯平台完成主体注册且未被核验否定。",
    ])
    name = f"追溯平台进驻率-{_window_name(report.window)}.xlsx"
    return name, workbook([main, places, industries, info])


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _window_name(window: Window) -> str:
    return str(window.year) if window.year else f"{window.since}至{window.until}"


def progress(p: PlanProgress, county: County) -> tuple[str, bytes]:
    sheet = Sheet(f"{p.year}年目标进度", [
        C("目标", 34), C("单位", 8), C("目标值", 12, "decimal"), C("实际值", 12, "decimal"),
        C("完成比例", 12, "percent"), C("按进度应达", 12, "decimal"), C("状态", 10),
        C("基期年份", 10, "int"), C("基期数值", 12, "decimal"), C("较基期增长", 12, "percent"),
        C("规划增长", 12, "percent"), C("数据来源", 16), C("说明", 44), C("规划条目", 18),
    ])
    for r in p.rows:
        t = r.target
        sheet.rows.append([
            t.label, t.unit, t.target, r.actual, r.ratio * 100 if r.ratio is not None else None,
            r.expected, r.status_label, t.base_year, t.base_figure, r.growth,
            t.growth * 100 if t.growth is not None else None, SOURCES[t.measure], r.detail,
            t.plan_ref])
    info = info_sheet([
        f"{county.plan_title}目标进度（{p.year}年，数据截至{p.timeline.as_of}）",
        "状态：已完成＝实际值达到目标；进度正常＝达到按时间进度应达的数值；进度滞后＝低于应达数值。",
        "营业收入等年度指标按已到报送截止日的月份折算应达数值；企业数、证书数等存量指标按规划期已过"
        "时间线性折算。",
    ])
    return f"规划目标进度-{p.year}.xlsx", workbook([sheet, info])


def areas(b: Breakdown) -> tuple[str, bytes]:
    common = [C("企业数", 10, "int"), C("规上企业", 10, "int"), C("龙头企业", 10, "int"),
              C("填报企业", 10, "int"), C("营业收入（万元）", 18, "money"),
              C("产值（万元）", 16, "money"), C("收入占比", 10, "percent"),
              C("有效“两品一标”证书", 18, "int")]
    places = Sheet("按地区排名", [C("排名", 8, "int"), C("地区", 16), C("类型", 10), *common])
    for a in [*b.ranking, *[x for x in b.places if not x.rank]]:
        places.rows.append([a.rank, a.label, a.kind_label, a.enterprises, a.above_scale,
                            a.leading, a.sums.reporters, a.sums.revenue, a.sums.output_value,
                            a.share, a.certificates])
    industries = Sheet("按产业", [C("产业", 12), C("类别", 10), *common, C("产量", 14, "decimal"),
                                 C("产量单位", 10)])
    for a in b.industries:
        industries.rows.append([a.label, a.kind_label, a.enterprises, a.above_scale, a.leading,
                                a.sums.reporters, a.sums.revenue, a.sums.output_value, a.share,
                                a.certificates, a.sums.output_quantity, a.unit])
    info = info_sheet([f"{b.year}年按地区、按产业统计（截至{b.as_of}）",
                       "营业收入、产值为已提交和已审核通过月报的合计。"])
    return f"地区产业统计-{b.year}.xlsx", workbook([places, industries, info])


def figures(page: FiguresPage, county: County, title: str, window: Window) -> tuple[str, bytes]:
    sheet = Sheet("企业", [
        C("企业名称", 36), C("统一社会信用代码", 22), C("所在地", 14), C("产业", 10),
        C("规上", 6), C("龙头企业级别", 14), C("营业收入（万元）", 16, "money"),
        C("产值（万元）", 16, "money"), C("产量", 14, "decimal"), C("产量单位", 10),
        C("月报份数", 10, "int"), C("联系人", 10), C("联系电话", 16)])
    for f in page.items:
        industry = county.industry(f.industry)
        has = bool(f.sums.reports)
        sheet.rows.append([
            f.name, f.credit_code, f.township, _industry(county, f.industry),
            "是" if f.above_scale else "否", f.leading_level.label,
            f.sums.revenue if has else None, f.sums.output_value if has else None,
            f.sums.output_quantity if has else None, industry.output_unit if industry else "",
            f.sums.reports, f.contact_name, f.contact_phone])
    info = info_sheet([f"{title}（{window.label}）", f"共{page.total}家企业"])
    return f"{title}-{_window_name(window)}.xlsx", workbook([sheet, info])


def _pending_rows(items: list[Pending], county: County, late: bool) -> list[list]:
    rows = []
    for p in items:
        row = [p.name, p.credit_code, p.township, _industry(county, p.industry)]
        if late:
            row += [clock.local(p.submitted_at) if p.submitted_at else None, p.days_late]
        else:
            row += ["草稿未提交" if p.report_status == ReportStatus.DRAFT.value else "未填报"]
        rows.append(row + [p.contact_name, p.contact_phone])
    return rows


def reporting(s: Submissions, county: County) -> tuple[str, bytes]:
    rate_columns = [C("应报企业", 10, "int"), C("已报送", 10, "int"), C("按时", 10, "int"),
                    C("逾期", 10, "int"), C("未报送", 10, "int"), C("报送率", 10, "percent"),
                    C("按时报送率", 12, "percent")]

    def rate_row(r):
        return [r.expected, r.handed_in, r.on_time, r.late, r.missing, r.rate, r.on_time_rate]

    months = Sheet(f"{s.year}年月度报送", [C("月份", 10), C("截止日期", 12, "date"), *rate_columns],
                   [[str(m.period), m.deadline, *rate_row(m.rate)] for m in s.months])
    places = Sheet(f"{s.period.label}按地区", [C("地区", 16), *rate_columns],
                   [[p.place, *rate_row(p.rate)] for p in s.places])
    base = [C("企业名称", 36), C("统一社会信用代码", 22), C("所在地", 14), C("产业", 10)]
    contact = [C("联系人", 10), C("联系电话", 16)]
    late = Sheet("逾期报送企业", [*base, C("提交时间", 18, "datetime"), C("逾期天数", 10, "int"),
                               *contact], _pending_rows(s.late, county, True))
    missing = Sheet("未报送企业", [*base, C("情况", 12), *contact],
                    _pending_rows(s.missing, county, False))
    info = info_sheet([f"{s.period.label}月报报送情况（截止日期{s.deadline}）",
                       "应报企业为经营状态“正常”的企业；已报送含已提交、已退回修改和已审核通过的月报；"
                       "截止日次日零时（北京时间）及以后提交的为逾期。"])
    return f"月报报送-{s.period}.xlsx", workbook([months, places, late, missing, info])


def _certificate_rows(items: list[ExpiringCertificate]) -> list[list]:
    return [[c.enterprise_name, c.township, c.kind.label, c.certificate_no, c.product_name,
             c.issued_on, c.expires_on, c.days_left, "是" if c.renewed else "否",
             c.contact_name, c.contact_phone] for c in items]


def expiring(e: Expiring) -> tuple[str, bytes]:
    columns = [C("企业名称", 36), C("所在地", 14), C("类型", 22), C("证书编号", 22),
               C("产品名称", 20), C("颁证日期", 12, "date"), C("有效期至", 12, "date"),
               C("剩余天数", 10, "int"), C("已换证", 8), C("联系人", 10), C("联系电话", 16)]
    soon = Sheet(f"{e.days}天内到期", columns, _certificate_rows(e.expiring))
    gone = Sheet("近期已过期未换证", columns, _certificate_rows(e.expired))
    info = info_sheet([f"截至{e.today}：{e.days}天内到期的证书，"
                       f"以及{e.days}天内已过期且未换证的证书",
                       "已换证：同一企业同类同名产品已有到期更晚的证书。"])
    return f"证书到期提醒-{e.today}.xlsx", workbook([soon, gone, info])


def milk(m: MilkQuality) -> tuple[str, bytes]:
    columns = [C("乳品月报", 10, "int"), C("参与判定", 10, "int"), C("达标", 10, "int"),
               C("不达标", 10, "int"), C("达标率", 10, "percent")]

    def counts(c):
        return [c.reports, c.judged, c.compliant, c.failing, c.rate]

    months = Sheet("按月", [C("月份", 10), *columns],
                   [[str(x.period), *counts(x.counts)] for x in m.months])
    firms = Sheet("按企业", [C("企业名称", 36), C("所在地", 14), *columns],
                  [[x.name, x.township, *counts(x.counts)] for x in m.enterprises])
    failing = Sheet("不达标月报", [
        C("企业名称", 36), C("月份", 10), C("乳蛋白率（%）", 14, "decimal"),
        C("乳脂肪率（%）", 14, "decimal"), C("菌落总数（/mL）", 16, "int"),
        C("体细胞数（/mL）", 16, "int"), C("不达标项", 60)],
        [[f.name, f.period, f.protein_pct, f.fat_pct, f.bacteria_per_ml,
          f.somatic_cells_per_ml, "；".join(f.shortfalls)] for f in m.failing])
    s = m.standard
    info = info_sheet([f"生鲜乳质量达标情况（{m.window.label}）",
                       f"标准：乳蛋白率≥{s.protein_pct_min}%，乳脂肪率≥{s.fat_pct_min}%，"
                       f"菌落总数≤{s.bacteria_per_ml_max:,}/mL，"
                       f"体细胞数≤{s.somatic_cells_per_ml_max:,}/mL"])
    return f"生鲜乳质量-{_window_name(m.window)}.xlsx", workbook([months, firms, failing, info])


def complaints(items: list[Complaint]) -> tuple[str, bytes]:
    sheet = Sheet("消费者投诉", [
        C("编号", 8, "int"), C("提交时间", 18, "datetime"), C("状态", 8), C("企业", 36),
        C("追溯码", 20), C("投诉内容", 60), C("联系方式", 16), C("处理时间", 18, "datetime"),
        C("处理人", 16), C("处理结果", 60)])
    for c in items:
        enterprise = getattr(c, "_enterprise", None)
        handled_by = getattr(c, "_handled_by", None)
        sheet.rows.append([c.id, c.created_at, c.status.label,
                           enterprise.name if enterprise else "", c.code_text, c.text,
                           c.contact, c.handled_at, handled_by.name if handled_by else "",
                           c.handling_note])
    return f"消费者投诉-{clock.today()}.xlsx", workbook([sheet])
