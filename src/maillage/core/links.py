"""Links from a lower app to a page of a higher one (apps depend downward only).

The lower app declares the link (`PageLink`) and calls it for a path; the app owning the page
registers how its path is made, from its AppConfig.ready (with `reverse` of its own URL
names). A lower app thus never names a higher app's URLs (tests/config/test_url_layers.py).
"""

from collections.abc import Callable


class PageLink:
    """The path of a page a higher app serves, e.g. `INVITATION_PAGE(token)` → «/gestion/
    invitation/<token>/». `what` names the page in the error raised when nothing registered
    it (the owning app not installed)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._path: Callable[..., str] | None = None

    def register(self, path: Callable[..., str]) -> None:
        """`path(*args)` makes the page's path (the last registered wins)."""
        self._path = path

    def __call__(self, *args: object) -> str:
        if self._path is None:
            raise RuntimeError(f"No app registered the page of {self.what}.")
        return self._path(*args)
