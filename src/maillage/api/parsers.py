"""Request bodies of the API: JSON (RFC 8259) in UTF-8, refused as a 400 problem when not."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    """DRF's JSON parser, which also refuses JSON nested too deep to decode (a RecursionError
    there would be a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("Le corps de la requête est imbriqué trop profondément.") from None
