"""A real HTTP server on 127.0.0.1 serving calendar files, and calendar files to serve."""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """What the server answers on a path: status, headers, body, and a pause (seconds)
    before the body."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/calendar"})
    pause: float = 0.0


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
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                time.sleep(answer.pause)
                with contextlib.suppress(OSError):  # the client gave up (timeout tests)
                    self.wfile.write(answer.body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path: str, body: bytes | str, **options) -> str:
        """Serve `body` on `path`; its full address."""
        if isinstance(body, str):
            body = body.encode()
        self.answers[path] = Answer(body, **options)
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def ics(*events: str) -> str:
    """A calendar file (CRLF lines) holding these VEVENT bodies (property lines, \\n-separated)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage tests//FR"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(line.strip() for line in lines) + "\r\n"
