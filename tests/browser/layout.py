"""Whether a page fits its screen in a browser test: nothing overflows sideways."""

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Long enough for scripts, maps and focus moves to finish laying out on a loaded machine.
SETTLE_MS = 5_000


def fits(page, width: int | None = None) -> bool:
    """Whether the document is no wider than `width` CSS pixels (the viewport's width by
    default), waiting up to SETTLE_MS for the layout to settle: a page checked halfway
    through its scripts is not a failure, one that never fits is."""
    try:
        page.wait_for_function(
            "w => document.documentElement.scrollWidth"
            " <= (w ?? document.documentElement.clientWidth)",
            arg=width,
            timeout=SETTLE_MS,
        )
    except PlaywrightTimeoutError:
        return False
    return True
