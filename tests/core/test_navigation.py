from server.core.navigation import NavItem


def test_nav_entries_know_their_pages():
    home, products = NavItem("首页", "/"), NavItem("产品追溯", "/products", also=("/batches",))
    company = NavItem("企业信息", "/enterprise")
    assert home.is_current("/") and not home.is_current("/reports")
    assert products.is_current("/products") and products.is_current("/products/3")
    assert products.is_current("/batches/12") and not products.is_current("/batchesX")
    assert company.is_current("/enterprise") and not company.is_current("/enterprises")
