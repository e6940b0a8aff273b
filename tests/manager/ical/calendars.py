"""A real HTTP server on 127.0.0.1 serving calendar files, and calendar files to serve."""

import contextlib
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.local_http import LocalServer


@dataclass
class Answer:
    """What the server answers on a path: status, headers (Content-Length added unless
    given), body, a pause (seconds) before the body, and a trickle: the body (with the status
    line and headers when `trickle_head`) sent a byte every `trickle` seconds."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/calendar"})
    pause: float = 0.0
    trickle: float = 0.0
    trickle_head: bool = False


class CalendarServer:
    """Serves `answers[path]` (404 for any other path); `base` is its address."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.hits.append(self.path)
                answer = server.answers.get(self.path, Answer(b"introuvable", 404, {}))
                headers = {"Content-Length": str(len(answer.body)), **answer.headers}
                lines = [f"HTTP/1.0 {answer.status} Statut"]
                lines += [f"{name}: {value}" for name, value in headers.items()]
                head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
                with contextlib.suppress(OSError):  # the client gave up (timeout tests)
                    if answer.trickle_head:
                        self.send_slowly(head, answer.trickle)
                    else:
                        self.wfile.write(head)
                    time.sleep(answer.pause)
                    self.send_slowly(answer.body, answer.trickle)

            def send_slowly(self, data: bytes, pause: float) -> None:
                if not pause:
                    self.wfile.write(data)
                    return
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    time.sleep(pause)

            def log_message(self, *args) -> None:
                pass

        self.server = LocalServer(Handler)
        self.base = self.server.base

    def serve(self, path: str, body: bytes | str, **options) -> str:
        """Serve `body` on `path`; its full address."""
        if isinstance(body, str):
            body = body.encode()
        self.answers[path] = Answer(body, **options)
        return self.base + path

    def close(self) -> None:
        self.server.close()


def ics(*events: str) -> str:
    """A calendar file (CRLF lines) holding these VEVENT bodies (property lines, \\n-separated)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage tests//FR"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(line.strip() for line in lines) + "\r\n"
