"""Reading pages in tests."""

import html


def text(response) -> str:
    """The page's HTML with its character references unescaped («d'» rather than «d&#x27;»)."""
    return html.unescape(response.content.decode())
