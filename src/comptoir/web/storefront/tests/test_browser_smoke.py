import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_renders_in_a_real_browser_and_switches_to_french(browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator(".brand").inner_text() == "Comptoir"
    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
