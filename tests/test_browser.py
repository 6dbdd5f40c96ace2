"""The archive in a real browser: Debian's Chromium driven by Playwright."""

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_page_renders_the_seeds_without_errors(live_archive, page):
    page.goto(live_archive.url + "/")
    assert "Protection of Critical Infrastructure" in page.content()
    screenshot(page, "home")
