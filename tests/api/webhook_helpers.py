"""What the webhook tests drive: a partner's receiver (a real HTTP server on 127.0.0.1, an
ephemeral port, recording every POST and answering the statuses queued for its path) and a
change source held in a list (api.feeds.changes_after's contract: (modified, id) order,
after a position, at most `limit`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler

from maillage.api.feeds import Change, Position
from maillage.api.models import WebhookDelivery, WebhookEndpoint
from tests.local_http import LocalServer


@dataclass(frozen=True)
class Received:
    """A request as the receiver saw it (header names lowercased)."""

    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Records POSTs in `received`; answers on a path the statuses `answer` queued (the last
    one repeats), 200 where none was queued."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[tuple[int, dict[str, str]]]] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body))
                queued = receiver.answers.get(self.path) or [(200, {})]
                status, extra = queued.pop(0) if len(queued) > 1 else queued[0]
                reply = f"réponse {status}".encode()
                self.send_response(status)
                for name, value in {"Content-Length": str(len(reply)), **extra}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        self.server = LocalServer(Handler)
        self.base = self.server.base

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, *statuses: int, headers: dict[str, str] | None = None) -> str:
        """Answer these statuses in turn on `path` (the last one from then on); its URL."""
        self.answers[path] = [(status, headers or {}) for status in statuses]
        return self.url(path)

    def on(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def close(self) -> None:
        self.server.close()


class ListFeeds:
    """Feeds held in lists; called like api.feeds.changes_after. `calls` counts the reads."""

    def __init__(self) -> None:
        self.changes: dict[str, list[Change]] = defaultdict(list)
        self.calls = 0

    def add(self, feed: str, item: int, modified: int, deleted: bool = False) -> Change:
        change = Change(feed=feed, id=item, modified=modified, deleted=deleted)
        self.changes[feed].append(change)
        return change

    def __call__(self, feed: str, after: Position | None, limit: int) -> list[Change]:
        self.calls += 1
        ordered = sorted(self.changes[feed], key=lambda c: (c.modified, c.id))
        if after is not None:
            ordered = [c for c in ordered if (c.modified, c.id) > (after.modified, after.id)]
        return ordered[:limit]


def delivery_row(
    endpoint: WebhookEndpoint, item: str, at: datetime, **fields: object
) -> WebhookDelivery:
    """A delivery of «place.updated» for `item` made at `at`, with `fields` (status…)."""
    values: dict = {
        "endpoint": endpoint,
        "message_id": f"msg_{item}",
        "event_type": "place.updated",
        "item_id": item,
        "modified": 3,
        "payload": "{}",
        "created_at": at,
        **fields,
    }
    return WebhookDelivery.objects.create(**values)
