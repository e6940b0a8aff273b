"""The one exception the engine raises for bad input."""


class EngineInputError(ValueError):
    """Bad input to the engine; the message is French and meant for people.

    It names the file and the row when the input came from a file, and the rule
    that was broken. `errors` lists each problem (one per row at fault for a file);
    the message is them joined by newlines.
    """

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors if errors is not None else [message]
