"""The one exception the engine raises for bad input."""


class EngineInputError(ValueError):
    """Bad input to the engine; the message is French and meant for people.

    It names the file and the row when the input came from a file, and the rule
    that was broken.
    """
