"""The site's main menu in a browser test: behind «Menu» on phones, open on wider screens."""


def open_menu(page) -> None:
    """Open the main menu where it waits behind its «Menu» button (phones); nothing to do on
    wider screens, where it is always open.

    Whether the button shows is read once the page's stylesheets apply (the load event):
    read earlier, an unstyled page shows the button at every width."""
    page.wait_for_load_state("load")
    button = page.locator("summary.menu-button")
    if button.is_visible():
        button.click()
