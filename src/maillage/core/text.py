import re
import unicodedata

# The explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
# they make text display in another order than it is stored («Trojan Source», CVE-2021-42574).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# What no one-line text holds: Unicode controls (C0, DEL, C1: NUL, CR, LF, tab…), the line
# and paragraph separators (a CR/LF in a name breaks email headers and iCalendar lines), the
# bidirectional controls, and lone surrogates (JSON's \ud800 escapes produce them; no
# database stores them).
NOT_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]")
# What multi-line text never holds: the same, but tab, LF and CR (a textarea sends CRLF).
NOT_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
# What turns a name into a link in a mail client: a scheme, «www.», or a domain-like word.
LINK = re.compile(
    r"://|\bwww\.|\b[a-z][a-z0-9+.-]*:[/\\]|\b[\w-]+\.[a-z]{2,24}\b",
    re.IGNORECASE,
)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})


def ascii_digits(value: str) -> bool:
    """Whether `value` is one or more ASCII digits 0–9: what int() may read. str.isdigit()
    alone also says True of «²» (int() then raises) or of other scripts' digits."""
    return value.isascii() and value.isdigit()


def fold(text: str) -> str:
    """Lower case without accents, for searching and sorting French names: «Sèvres» → «sevres»."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def with_de(name: str) -> str:
    """«de Boulogne», «d'Antony»: French elision before a vowel or a mute h, and the
    contraction of a name's own article: «du Nid» (Le Nid), «des Ateliers» (Les Ateliers)."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name.removeprefix(article)
    return f"d'{name}" if name and fold(name[:1]) in "aeiouyh" else f"de {name}"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """«1 site», «3 sites»: in French, 0 and 1 take the singular."""
    return f"{number} {singular if abs(number) < 2 else plural or singular + 's'}"


def has_control_characters(text: str) -> bool:
    """Whether `text` holds what no one-line text may (NOT_ONE_LINE): a control character
    (NUL, CR, LF, tab, DEL, C1…), a line or paragraph separator, a lone surrogate."""
    return bool(NOT_ONE_LINE.search(text))


def single_line(text: str) -> str:
    """`text` on one line: every run of whitespace or control characters becomes one space,
    the ends trimmed. For text placed in a header or a one-line field (RFC 5322 subjects,
    RFC 5545 calendar names), where CR/LF would break the format."""
    return " ".join(NOT_ONE_LINE.sub(" ", text).split())


def looks_like_link(text: str) -> bool:
    """Whether `text` holds something a mail client would show as a link: «://», «www.», a
    scheme such as «http:/» or a word ending in a domain such as «exemple.fr»."""
    return bool(LINK.search(text))


def kilometre_label(metres: float) -> str:
    """«2,3 km», «0,4 km»: a distance in metres written in kilometres to a decimal place,
    with a French decimal comma and a no-break space."""
    return f"{french_number(metres / 1000, 1)}\u00a0km"


def french_number(value: float, digits: int | None = None) -> str:
    """«100 000», «2,5»: French digit grouping (narrow no-break space, U+202F) and decimal
    comma. With `digits`, exactly that many decimals («40,3»); otherwise a float is written
    as %g writes it, a whole float without decimals."""
    if digits is not None:
        text = f"{value:,.{digits}f}"
    else:
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        text = f"{value:,}" if isinstance(value, int) else f"{value:,g}"
    return text.replace(",", "\u202f").replace(".", ",")


def euros(cents: int | None) -> str:
    """Integer cents as French currency text: 1250 → «12,50 €», 2000 → «20 €», -50 →
    «-0,50 €»."""
    if cents is None:
        return "—"
    whole, rest = divmod(abs(cents), 100)
    grouped = ("-" if cents < 0 else "") + french_number(whole)
    return f"{grouped} €" if rest == 0 else f"{grouped},{rest:02d} €"


def percent(share: float | None, digits: int = 1) -> str:
    """A share of 1 as a French percentage: 0.4031 → «40,3 %»."""
    if share is None:
        return "—"
    return f"{french_number(share * 100, digits)}\u00a0%"


def minutes(value: float | None) -> str:
    """Walking minutes: 19.46 → «19,5 min»; «—» for none or an infinite or NaN mean."""
    if value is None or value != value or value == float("inf"):
        return "—"
    return f"{french_number(value, 1)}\u00a0min"


def decimal(value: float | None, digits: int = 2) -> str:
    """A real number with `digits` decimals: «0,42»; «—» for None."""
    return "—" if value is None else french_number(value, digits)


def integer(value: float | None) -> str:
    """A count rounded to a whole number: «12 500»; «—» for None."""
    return "—" if value is None else french_number(value, 0)
