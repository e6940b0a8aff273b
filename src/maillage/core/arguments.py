"""Numbers read from a management command's arguments, checked by argparse itself.

`float("nan")`, `float("inf")` and a negative or zero value pass argparse's own `type=float`
and `type=int` and reach the code unchecked (a radius of nan gives an «optimal» result, a
pause of nan crashes the loop). Every numeric option of the project's commands uses
`NumberIn` instead: a finite number within bounds, or argparse's usual error with a French
message naming the range.
"""

import argparse
import math

from maillage.core.text import french_number


class NumberIn:
    """An argparse `type`: a finite number in [low, high] (in (low, high] if `above_low`),
    a whole number if `whole`. Raises argparse.ArgumentTypeError (French) otherwise."""

    def __init__(self, low: float, high: float, *, above_low: bool = False, whole: bool = False):
        self.low, self.high, self.above_low, self.whole = low, high, above_low, whole
        kind = "un nombre entier" if whole else "un nombre"
        opening = "strictement supérieur à" if above_low else "entre"
        if above_low:
            self.rule = f"{kind} {opening} {french_number(low)} et au plus {french_number(high)}"
        else:
            self.rule = f"{kind} {opening} {french_number(low)} et {french_number(high)}"
        self.__name__ = "nombre"  # argparse names the type in some messages

    def __call__(self, raw: str) -> float | int:
        try:
            value = int(raw) if self.whole else float(raw)
        except ValueError:
            value = None
        in_range = (
            value is not None
            and math.isfinite(value)
            and (self.low < value if self.above_low else self.low <= value)
            and value <= self.high
        )
        if not in_range or value is None:
            raise argparse.ArgumentTypeError(f"« {raw} » refusé : {self.rule} est attendu.")
        return value
