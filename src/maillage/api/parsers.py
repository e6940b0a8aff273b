"""Request bodies of the API: a JSON object (RFC 8259) in UTF-8, read by api.inputs.json_object
whatever the credential, refused as a 400 problem naming «body» when it is not one."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from maillage.api import inputs


class JsonParser(JSONParser):
    """application/json bodies through inputs.json_object: its French reasons (not UTF-8,
    nested too deep, not an object, NaN…) for every view and authentication alike."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return inputs.json_object(stream.read())
        except inputs.Invalid as refusal:
            raise ParseError(str(refusal)) from None
