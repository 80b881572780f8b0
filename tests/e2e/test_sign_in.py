"""The demo account manager signs in in a real browser and switches Tandem to Vietnamese."""

from __future__ import annotations

import re

import pytest

from tandem.core.demo import DEMO_PASSWORD, demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_demo_account_manager_signs_in_and_reads_the_dashboard_in_vietnamese(
    live_server, browser_page, tmp_path
):
    from playwright.sync_api import expect

    demo_load()
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tandem")

    page.get_by_label("Email").fill("AM@demo.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My book")
    expect(page.get_by_role("heading", name="Quiet clients")).to_be_visible()
    expect(page.get_by_text("Demo Consulting").first).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard-en.png", full_page=True)

    page.get_by_role("button", name=re.compile(r"^VI\b")).click()

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ khách hàng của tôi")
    expect(page.get_by_role("heading", name="Khách hàng lâu chưa liên hệ")).to_be_visible()
    expect(page.get_by_role("link", name="Bảng điều khiển")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_text(re.compile(r"Ngày \d{2} tháng \d{1,2} năm \d{4}"))).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard-vi.png", full_page=True)

    # The choice is saved on the account: it survives signing out and in again.
    page.locator("summary", has_text="Lan Account Manager").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập vào Tandem")
    assert errors == []
