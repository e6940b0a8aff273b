import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents, for searching and sorting French names: «Sèvres» → «sevres»."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def with_de(name: str) -> str:
    """«de Boulogne», «d'Antony»: French elision before a vowel or a mute h."""
    return f"d'{name}" if fold(name[:1]) in "aeiouyh" else f"de {name}"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """«1 site», «3 sites»: in French, 0 and 1 take the singular."""
    return f"{number} {singular if abs(number) < 2 else plural or singular + 's'}"
