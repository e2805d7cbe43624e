"""The fixed vocabularies of the domain, each value with its Chinese label."""

from enum import StrEnum


class Labeled(StrEnum):
    """A string enum whose members carry a Chinese label for pages and exports."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Role(Labeled):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    STAFF = "staff"


class LeadingLevel(Labeled):
    NONE = "none"
    CITY = "city"
    PROVINCE = "province"
    NATION = "nation"

    @property
    def rank(self) -> int:
        return ["none", "city", "province", "nation"].index(self.value)


class EnterpriseStatus(Labeled):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class ReportStatus(Labeled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class CertificateKind(Labeled):
    GREEN_FOOD = "green_food"
    ORGANIC = "organic"
    GEO_INDICATION = "geo_indication"
    BRAND_HULIN_LINDEN_HONEY = "brand_hulin_linden_honey"
    BRAND_HEITU_YOUPIN = "brand_heitu_youpin"


class AnnualInspection(Labeled):
    NOT_DUE = "not_due"
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class RecordSource(Labeled):
    SELF = "self"
    SUPERVISION = "supervision"
    IMPORT = "import"


class Platform(Labeled):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


class Verification(Labeled):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class EventType(Labeled):
    HARVEST = "harvest"
    RECEIVE = "receive"
    PROCESS = "process"
    INSPECT = "inspect"
    PACK = "pack"
    SHIP = "ship"


class CodeStatus(Labeled):
    ACTIVE = "active"
    VOID = "void"


class ComplaintStatus(Labeled):
    OPEN = "open"
    HANDLED = "handled"


_LABELS = {
    "Role": {"admin": "系统管理员", "supervisor": "监管人员", "staff": "企业填报员"},
    "LeadingLevel": {
        "none": "非龙头企业", "city": "市级龙头企业", "province": "省级龙头企业",
        "nation": "国家级龙头企业",
    },
    "EnterpriseStatus": {"active": "正常", "suspended": "停产", "closed": "注销"},
    "ReportStatus": {
        "draft": "草稿", "submitted": "已提交待审核", "returned": "已退回待修改",
        "approved": "已通过",
    },
    "CertificateKind": {
        "green_food": "绿色食品", "organic": "有机农产品", "geo_indication": "农产品地理标志",
        "brand_hulin_linden_honey": "“虎林椴树蜜”区域品牌授权",
        "brand_heitu_youpin": "“黑土优品”品牌授权",
    },
    "AnnualInspection": {
        "not_due": "未到年检期", "pending": "待年检", "passed": "年检合格", "failed": "年检不合格",
    },
    "RecordSource": {"self": "企业填报", "supervision": "监管录入", "import": "官方名录导入"},
    "Platform": {"national": "国家农产品质量安全追溯平台", "provincial": "省级农产品追溯平台"},
    "Verification": {"pending": "待核验", "verified": "已核验", "rejected": "核验未通过"},
    "EventType": {
        "harvest": "采收", "receive": "收购入库", "process": "加工", "inspect": "检验",
        "pack": "包装", "ship": "出库发货",
    },
    "CodeStatus": {"active": "有效", "void": "已作废"},
    "ComplaintStatus": {"open": "待处理", "handled": "已处理"},
}
