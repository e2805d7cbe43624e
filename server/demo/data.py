"""The demo county: fictional enterprises with plausible names, places and sizes.

Names are invented (any likeness to a real firm is accidental); places, industries and
the scale of the figures follow the plan, so every page has something true to show.
`revenue_2025` is the enterprise's 2025 revenue in 万元; other years scale from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    industry: str
    township: str
    revenue_2025: int                 # 万元
    leading_level: str = "none"
    above_scale: bool = False
    above_scale_since: str | None = None
    other_industries: tuple[str, ...] = ()
    legal_representative: str = ""
    contact_name: str = ""
    products: tuple[tuple[str, str], ...] = ()   # (product name, spec)
    output_per_10k: float = 0.0       # output quantity per 万元 revenue, in the industry unit
    green_food: tuple[str, ...] = ()  # issue dates of green-food certificates (YYYY-MM-DD)
    organic: tuple[str, ...] = ()
    geo: tuple[str, ...] = ()
    linden_brand: str | None = None   # date of the 虎林椴树蜜 authorisation
    heitu_products: tuple[str, ...] = field(default=())  # 黑土优品 authorised products
    registration: tuple[str, str, str] | None = None   # (platform, date, verification)


ENTERPRISES: list[DemoEnterprise] = [
    # 水稻 rice: the county's largest industry (plan target 57.15 亿元)
    DemoEnterprise("虎林市北大荒稻香米业有限公司", "rice", "858农场", 128000, "province", True,
                   "2016-05-01", legal_representative="赵立军", contact_name="孙晓梅",
                   products=(("稻香长粒香大米", "5kg/袋"), ("稻香有机胚芽米", "2.5kg/盒")),
                   output_per_10k=2.4, green_food=("2021-04-12", "2024-04-10"),
                   organic=("2025-06-18",), registration=("national", "2021-06-01", "verified")),
    DemoEnterprise("虎林市珍宝岛绿野米业有限公司", "rice", "珍宝岛乡", 76000, "province", True,
                   "2017-03-01", legal_representative="钱国庆", contact_name="李娜",
                   products=(("珍宝岛稻花香米", "10kg/袋"),), output_per_10k=2.5,
                   green_food=("2020-09-03", "2023-09-01"), geo=("2019-11-20",),
                   registration=("provincial", "2020-10-15", "verified")),
    DemoEnterprise("虎林市宝东镇丰禾粮油加工有限公司", "rice", "宝东镇", 54000, "city", True,
                   "2018-06-01", legal_representative="周建华", contact_name="吴敏",
                   products=(("丰禾小町米", "5kg/袋"),), output_per_10k=2.6,
                   green_food=("2025-03-18",), registration=("national", "2025-04-20", "verified")),
    DemoEnterprise("虎林市东方红垦区米业有限责任公司", "rice", "东方红镇", 48000, "city", True,
                   "2019-01-01", legal_representative="郑海涛", contact_name="王丽",
                   products=(("垦区长粒香", "25kg/袋"),), output_per_10k=2.7,
                   green_food=("2025-07-08",), registration=("provincial", "2025-12-30", "pending")),
    DemoEnterprise("虎林市庆丰农场稻米加工厂", "rice", "庆丰农场", 42000, "city", True,
                   "2018-01-01", legal_representative="冯志刚", contact_name="陈静",
                   products=(("庆丰圆粒香米", "10kg/袋"),), output_per_10k=2.7,
                   green_food=("2022-11-02",), registration=("national", "2023-01-10", "verified")),
    DemoEnterprise("虎林市850农场米业有限公司", "rice", "850农场", 36000, "city", True,
                   "2020-01-01", legal_representative="褚明", contact_name="卫红",
                   output_per_10k=2.8, green_food=("2025-10-09",)),
    DemoEnterprise("虎林市迎春镇鑫源米业有限公司", "rice", "迎春镇", 21000, "none", True,
                   "2021-01-01", legal_representative="蒋立新", contact_name="沈佳",
                   output_per_10k=2.8),
    DemoEnterprise("虎林市东诚镇金穗粮食加工有限公司", "rice", "东诚镇", 15000, "none", True,
                   "2022-01-01", legal_representative="韩伟", contact_name="杨柳",
                   output_per_10k=2.9, green_food=("2024-05-21",),
                   registration=("national", "2024-06-30", "verified")),
    # 玉米 corn
    DemoEnterprise("虎林市伟光乡金玉米业有限公司", "corn", "伟光乡", 9800, "city", True,
                   "2019-01-01", legal_representative="朱永", contact_name="秦芳",
                   products=(("金玉米糁", "5kg/袋"),), output_per_10k=3.0,
                   green_food=("2025-08-22",)),
    DemoEnterprise("虎林经济开发区东晟玉米制品有限公司", "corn", "虎林经济开发区", 7200, "none", True,
                   "2023-07-01", legal_representative="尤斌", contact_name="许倩",
                   output_per_10k=3.2),
    DemoEnterprise("虎林市东方红镇农丰玉米加工厂", "corn", "东方红镇", 2600,
                   legal_representative="何平", contact_name="吕婷", output_per_10k=3.4),
    # 鲜食玉米 fresh corn
    DemoEnterprise("虎林市甜嘉糯鲜食玉米有限公司", "fresh_corn", "伟光乡", 8600, "city", True,
                   "2022-01-01", legal_representative="施涛", contact_name="张雪",
                   products=(("甜糯鲜食玉米", "真空装2穗"),), output_per_10k=0.5,
                   green_food=("2025-05-30",), registration=("provincial", "2025-06-12", "verified")),
    DemoEnterprise("虎林市850农场庆泰鲜食玉米加工厂", "fresh_corn", "850农场", 4300,
                   legal_representative="孔亮", contact_name="曹颖", output_per_10k=0.5),
    DemoEnterprise("虎林市东方红镇玉香源食品有限公司", "fresh_corn", "东方红镇", 2100,
                   legal_representative="严军", contact_name="华蕾", output_per_10k=0.55,
                   green_food=("2026-04-16",)),
    # 大豆 soybean (plan target 4100 万元)
    DemoEnterprise("虎林市虎林镇豆香源豆制品有限公司", "soybean", "虎林镇", 1900,
                   legal_representative="金鹏", contact_name="魏琳",
                   products=(("非转基因黄豆腐竹", "250g/袋"),), output_per_10k=0.8,
                   green_food=("2025-09-05",), registration=("national", "2025-09-28", "pending")),
    DemoEnterprise("虎林市宝东镇绿源大豆食品厂", "soybean", "宝东镇", 1100,
                   legal_representative="陶然", contact_name="姜慧", output_per_10k=0.9),
    DemoEnterprise("虎林市东诚镇黑土豆业有限公司", "soybean", "东诚镇", 750,
                   legal_representative="戚强", contact_name="谢芸", output_per_10k=0.9),
    # 蜂蜜 honey (0.5 亿元; 椴树蜜 brand units 10; 黑土优品 bee products 12)
    DemoEnterprise("虎林市椴花蜜业有限公司", "honey", "虎林经济开发区", 2100, "city", True,
                   "2021-01-01", legal_representative="邹勇", contact_name="喻娟",
                   products=(("虎林椴树雪蜜", "500g/瓶"), ("椴树蜂王浆", "250g/瓶")),
                   output_per_10k=0.5, green_food=("2023-06-15",), geo=("2019-07-01",),
                   linden_brand="2024-03-01",
                   heitu_products=("虎林椴树雪蜜", "椴树蜂王浆", "椴树蜂巢蜜"),
                   registration=("national", "2023-07-20", "verified")),
    DemoEnterprise("虎林市迎春林业局蜂产品有限公司", "honey", "迎春林业局", 1250,
                   legal_representative="柏林", contact_name="水静",
                   products=(("森林椴树蜜", "1kg/瓶"),), output_per_10k=0.5,
                   green_food=("2025-11-11",), linden_brand="2025-01-10",
                   heitu_products=("森林椴树蜜",)),
    DemoEnterprise("虎林市东方红林业局绿蜂园蜂业合作社", "honey", "东方红林业局", 650,
                   legal_representative="窦海", contact_name="章燕", output_per_10k=0.55,
                   linden_brand="2025-06-20", heitu_products=("绿蜂园椴树蜜",)),
    DemoEnterprise("虎林市东方红镇百花蜂蜜加工厂", "honey", "东方红镇", 420,
                   legal_representative="云飞", contact_name="苏丹", output_per_10k=0.55,
                   linden_brand="2026-02-01"),
    # 乳品 dairy (6.5 万吨 milk; +1 dairy enterprise above designated size)
    DemoEnterprise("虎林市汇源新生态乳业有限公司", "dairy", "虎林经济开发区", 18600, "province", True,
                   "2024-01-01", legal_representative="潘振", contact_name="葛琴",
                   products=(("巴氏杀菌鲜牛奶", "950ml/盒"), ("学生奶", "200ml×24")),
                   output_per_10k=2.2, green_food=("2024-08-01",),
                   registration=("national", "2024-09-01", "verified")),
    DemoEnterprise("虎林市庆丰隆盛牧业乳品有限公司", "dairy", "庆丰农场", 7400, "city", True,
                   "2019-01-01", legal_representative="奚明", contact_name="范蕾",
                   output_per_10k=2.8),
    # 肉类 meat (0.5 亿元)
    DemoEnterprise("虎林经济开发区北珍肉类加工有限公司", "meat", "虎林经济开发区", 2800, "city", True,
                   "2023-01-01", legal_representative="彭辉", contact_name="鲁燕",
                   products=(("冷鲜分割牛肉", "1kg/盒"),), output_per_10k=0.25),
    DemoEnterprise("虎林市杨岗镇跑山猪食品有限公司", "meat", "杨岗镇", 1350,
                   legal_representative="韦东", contact_name="昌丽", output_per_10k=0.3,
                   green_food=("2025-12-01",)),
    # 食用菌 edible fungus (800 万袋)
    DemoEnterprise("虎林市东方红林菌木耳有限公司", "fungus", "东方红镇", 5200, "city", True,
                   "2022-01-01", legal_representative="马骏", contact_name="苗青",
                   products=(("东方红黑木耳", "250g/袋"),), output_per_10k=0.09,
                   green_food=("2022-03-08", "2025-03-01"), organic=("2026-03-12",),
                   registration=("provincial", "2022-05-06", "verified")),
    DemoEnterprise("虎林市迎春镇森宝食用菌合作社", "fungus", "迎春镇", 1900,
                   legal_representative="凤鸣", contact_name="花蕾", output_per_10k=0.1),
    DemoEnterprise("虎林市伟光乡菌源农业科技有限公司", "fungus", "伟光乡", 1300,
                   legal_representative="方正", contact_name="俞敏", output_per_10k=0.1),
    # 森林食品 forest food (20 亿元)
    DemoEnterprise("虎林市七虎林森林食品有限公司", "forest_food", "七虎林林场", 58000, "province", True,
                   "2018-01-01", legal_representative="任远", contact_name="袁梅",
                   products=(("野生蓝莓果干", "200g/袋"), ("红松松子", "500g/罐")),
                   output_per_10k=0.2, green_food=("2021-10-10", "2024-10-08"),
                   registration=("national", "2021-12-01", "verified")),
    DemoEnterprise("虎林市虎头林场山珍食品有限公司", "forest_food", "虎头林场", 34000, "city", True,
                   "2020-01-01", legal_representative="柳青", contact_name="酆艳",
                   products=(("大榛子", "500g/袋"),), output_per_10k=0.22,
                   green_food=("2025-04-02",), registration=("provincial", "2026-01-15", "pending")),
    DemoEnterprise("虎林市东风林场林下养殖专业合作社", "forest_food", "东风林场", 16000, "none", True,
                   "2022-01-01", legal_representative="鲍鹏", contact_name="史琳",
                   output_per_10k=0.25),
    DemoEnterprise("虎林市小木河林场蓝莓酒业有限公司", "forest_food", "小木河林场", 9000,
                   legal_representative="唐杰", contact_name="费丽", output_per_10k=0.3,
                   green_food=("2026-06-20",), registration=("national", "2026-07-01", "pending")),
    # 中药材 herbal (6 亿元)
    DemoEnterprise("虎林市乌苏里江药业有限公司", "herbal", "虎林经济开发区", 26000, "province", True,
                   "2017-01-01", legal_representative="廉洁", contact_name="岑丹",
                   products=(("刺五加片", "100片/瓶"),), output_per_10k=0.3,
                   registration=("national", "2020-03-01", "verified")),
    DemoEnterprise("虎林市野宝药业有限公司", "herbal", "迎春镇", 12000, "city", True,
                   "2019-01-01", legal_representative="薛山", contact_name="雷蕾",
                   output_per_10k=0.35, green_food=("2025-02-14",)),
    DemoEnterprise("虎林市新曙光刺五加生物科技有限公司", "herbal", "东方红镇", 5200,
                   legal_representative="贺新", contact_name="倪雅",
                   output_per_10k=0.4),
    # 冷水鱼 coldwater fish (渔业产值 1.5 亿元)
    DemoEnterprise("虎林市乌苏里江冷水鱼业有限公司", "coldwater_fish", "虎头镇", 7600, "city", True,
                   "2021-01-01", legal_representative="汤波", contact_name="滕月",
                   products=(("乌苏里江速冻鱼排", "500g/袋"),), output_per_10k=0.45,
                   green_food=("2025-06-06",), registration=("provincial", "2025-06-30", "verified")),
    DemoEnterprise("虎林市854农场渔业加工厂", "coldwater_fish", "854农场", 3100,
                   legal_representative="殷实", contact_name="罗兰", output_per_10k=0.5),
    # 预制菜 prepared dishes (5000 万元)
    DemoEnterprise("虎林市珍宝岛中央厨房食品有限公司", "prepared_dish", "珍宝岛乡", 2900, "none", True,
                   "2024-06-01", legal_representative="毕升", contact_name="郝静",
                   products=(("山野菜炖鸡预制菜", "800g/盒"),), output_per_10k=0.5,
                   green_food=("2025-08-01",)),
    DemoEnterprise("虎林市杨岗镇壹淘预制菜加工有限公司", "prepared_dish", "杨岗镇", 1300,
                   legal_representative="邬亮", contact_name="安琪", output_per_10k=0.55),
    # 杂粮豆 grains and beans (2 processors, ≥ 1 above designated size)
    DemoEnterprise("虎林市龙垦粮食加工有限公司", "grain_bean", "虎林镇", 6800, "city", True,
                   "2021-01-01", legal_representative="常胜", contact_name="乐瑶",
                   products=(("红小豆", "1kg/袋"),), output_per_10k=1.2,
                   green_food=("2024-12-20",), registration=("national", "2025-01-05", "verified")),
    DemoEnterprise("虎林市宝东镇五谷杂粮合作社", "grain_bean", "宝东镇", 1200,
                   legal_representative="于飞", contact_name="时雨", output_per_10k=1.3),
]

# Monthly share of a year's revenue, by industry (processing follows the harvest).
SEASONS: dict[str, tuple[float, ...]] = {
    "rice":          (10, 9, 8, 7, 7, 7, 7, 7, 7, 9, 11, 11),
    "corn":          (10, 9, 8, 7, 6, 6, 6, 7, 8, 10, 12, 11),
    "fresh_corn":    (4, 3, 3, 3, 3, 4, 8, 22, 26, 12, 7, 5),
    "soybean":       (9, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9),
    "honey":         (6, 6, 6, 6, 7, 8, 12, 14, 11, 9, 8, 7),
    "dairy":         (8, 8, 8, 8, 9, 9, 9, 9, 8, 8, 8, 8),
    "meat":          (12, 9, 7, 7, 7, 7, 7, 7, 8, 9, 9, 11),
    "fungus":        (5, 5, 6, 8, 10, 11, 11, 11, 10, 9, 8, 6),
    "forest_food":   (6, 6, 6, 6, 7, 8, 9, 11, 12, 11, 9, 9),
    "herbal":        (8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9),
    "coldwater_fish": (6, 5, 6, 8, 9, 10, 10, 10, 10, 10, 8, 8),
    "prepared_dish": (11, 12, 8, 7, 7, 7, 7, 7, 8, 8, 8, 10),
    "grain_bean":    (9, 8, 7, 7, 7, 7, 7, 7, 9, 11, 11, 10),
}

# Revenue of a year relative to 2025.
YEAR_FACTORS = {2024: 0.88, 2025: 1.0, 2026: 1.07}

SUPERVISORS = [
    # phone, name, role
    ("13904670001", "系统管理员", "admin"),
    ("13904670002", "王建国（市场监管局）", "supervisor"),
    ("13904670003", "刘春燕（农业农村局）", "supervisor"),
]
STAFF_PHONE_BASE = 13804670000   # staff of enterprise i get 138046700(i+1)
DEMO_PASSWORD = "Hulin-demo-2025"

TARGET_ENTRIES = [
    # key, value, as_of, note
    ("strong_towns", "1", "2024-12-20", "东方红镇获批省级农业产业强镇（水稻）"),
    ("investment_attracted", "38.6", "2024-12-31", "2023—2024年农产品加工领域签约项目累计"),
    ("investment_attracted", "71.2", "2025-12-31", "截至2025年底累计到位及在建投资"),
]
