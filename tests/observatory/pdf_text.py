"""Just enough PDF reading to get the text fpdf2 writes back (pypdf is not a dependency)."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*")
LENGTH = re.compile(rb"/Length (\d+)")
CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
FONT_SELECTION = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf")
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary, decompressed stream or None)."""
    objects, position = {}, 0
    while match := OBJECT.search(data, position):
        start = match.end()
        stream_at, end_at = data.find(b"stream", start), data.find(b"endobj", start)
        if stream_at == -1 or stream_at > end_at:
            objects[int(match[1])] = (data[start:end_at], None)
            position = end_at
            continue
        head = data[start:stream_at]
        body = stream_at + len(b"stream")
        body += 2 if data[body : body + 2] == b"\r\n" else 1
        length = int(LENGTH.search(head)[1])
        stream = data[body : body + length]
        if b"/FlateDecode" in head:
            stream = zlib.decompress(stream)
        objects[int(match[1])] = (head, stream)
        position = body + length
    return objects


def _to_unicode(cmap: bytes) -> dict[int, str]:
    pairs = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in CMAP_PAIR.findall(block):
            pairs[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return pairs


def _literal(content: bytes, start: int) -> tuple[bytes, int]:
    """The PDF literal string opening at `start`, and the position after it."""
    out, depth, i = bytearray(), 0, start + 1
    while True:
        char = content[i : i + 1]
        if char == b"\\":
            following = content[i + 1 : i + 2]
            if following.isdigit():
                digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])[0]
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
                continue
            out += ESCAPES.get(following, b"" if following in b"\r\n" else following)
            i += 2
            continue
        if char == b"(":
            depth += 1
        elif char == b")":
            if depth == 0:
                return bytes(out), i + 1
            depth -= 1
        out += char
        i += 1


def pdf_text(data: bytes) -> str:
    """The shown text of every page, whitespace collapsed."""
    objects = pdf_objects(data)
    font_objects = {}
    for head, _ in objects.values():
        for fonts in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", fonts):
                font_objects[name] = int(number)
    decoders = {}
    for name, number in font_objects.items():
        unicode_map = re.search(rb"/ToUnicode (\d+) 0 R", objects[number][0])
        if unicode_map:
            table = _to_unicode(objects[int(unicode_map[1])][1])
            decoders[name] = lambda raw, table=table: "".join(
                table.get(int.from_bytes(raw[i : i + 2], "big"), "\ufffd")
                for i in range(0, len(raw), 2)
            )
        else:  # a core font: single-byte WinAnsi
            decoders[name] = lambda raw: raw.decode("cp1252", "replace")
    pieces = []
    for head, _ in objects.values():
        contents = re.search(rb"/Contents (\d+) 0 R", head)
        if not contents or not re.search(rb"/Type\s*/Page[\s>/]", head):
            continue
        content = objects[int(contents[1])][1]
        font, i = None, 0
        while i < len(content):
            selection = FONT_SELECTION.match(content, i)
            if selection:
                font, i = selection[1], selection.end()
            elif content[i : i + 1] == b"(":
                raw, i = _literal(content, i)
                pieces.append(decoders[font](raw))
            else:
                i += 1
    return " ".join(" ".join(pieces).split())
