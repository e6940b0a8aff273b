"""Real-browser tests: Playwright drives Debian's chromium against a live server.

Without chromium they are skipped and say so, except under CI (CI=true), where that fails.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"navigateur absent ({CHROMIUM}) : tests navigateur ignorés"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI : {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, settings):
    # Emails link to the platform's public address: here, the server under test.
    settings.MAILLAGE_SITE_URL = live_server.url
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], "erreurs JavaScript ou CSP dans la page"


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def serious_violations(page) -> list[str]:
        results = Axe().run(page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return serious_violations
