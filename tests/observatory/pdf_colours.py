"""The colours a PDF paints its text and rectangles in, read from its content streams.

Enough of the PDF drawing operators (ISO 32000-1 §8.4.4, §8.5.3, §8.6.8, §9.4.3) to know, for
each piece of text and each filled rectangle, the non-stroking colour in effect.
"""

import re
from dataclasses import dataclass

from tests.observatory.pdf_text import _literal, pdf_objects

NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
TOKEN = re.compile(rb"/[^\s/\[\]()<>]+|" + NUMBER + rb"|[A-Za-z'\"*]+|<[0-9A-Fa-f\s]*>|.", re.S)
FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
TEXT_SHOWS = {b"Tj", b"TJ", b"'", b'"'}


@dataclass(frozen=True)
class Paint:
    kind: str  # "text" or "rect"
    colour: tuple[float, float, float]  # RGB, 0 to 1
    width_pt: float = 0.0

    @property
    def luminance(self) -> float:
        red, green, blue = self.colour
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def page_contents(data: bytes) -> list[bytes]:
    """The content stream of each page, in page order."""
    objects = pdf_objects(data)
    kids = next(
        re.search(rb"/Kids\s*\[([^\]]*)\]", head)[1]
        for head, _ in objects.values()
        if re.search(rb"/Type\s*/Pages\b", head)
    )
    pages = []
    for number in re.findall(rb"(\d+) 0 R", kids):
        head = objects[int(number)][0]
        pages.append(objects[int(re.search(rb"/Contents (\d+) 0 R", head)[1])][1])
    return pages


def paints(content: bytes) -> list[Paint]:
    """What the page paints, in order, with the fill colour in effect."""
    colour, saved, operands, pending_width = (0.0, 0.0, 0.0), [], [], None
    found, i = [], 0
    while i < len(content):
        if content[i : i + 1] == b"(":
            _, i = _literal(content, i)
            operands.append(None)
            continue
        match = TOKEN.match(content, i)
        token, i = match[0], match.end()
        if token.isspace() or token in (b"[", b"]"):
            continue
        if re.fullmatch(NUMBER, token):
            operands.append(float(token))
            continue
        if token.startswith((b"/", b"<")):
            operands.append(None)
            continue
        if token == b"q":
            saved.append(colour)
        elif token == b"Q":
            colour = saved.pop()
        elif token == b"rg":
            colour = tuple(operands[-3:])
        elif token == b"g":
            colour = (operands[-1],) * 3
        elif token == b"re":
            pending_width = abs(operands[-2])
        elif token in FILLS:
            if pending_width is not None:
                found.append(Paint("rect", colour, pending_width))
            pending_width = None
        elif token in (b"n", b"S", b"s"):
            pending_width = None
        elif token in TEXT_SHOWS:
            found.append(Paint("text", colour))
        operands = []
    return found
