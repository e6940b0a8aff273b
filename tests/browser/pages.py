"""Pages opened in a browser test: a French context at a given width on the live server,
with the JavaScript and CSP errors the page reports collected."""

from contextlib import contextmanager


@contextmanager
def sized(browser, live_server, width: int, **options):
    """A page `width` CSS pixels wide (900 high), in French, on the live server (`options`:
    Playwright's context options, geolocation say). Yields the page; on leaving, fails if
    the page reported a JavaScript or CSP error."""
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        **options,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], "erreurs JavaScript ou CSP dans la page"
