"""Rules for short text typed by people (names) and for text bound to one line (email
subjects, calendar names): pure functions and Django validators, French messages."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Unicode "Cc" (C0, DEL, C1) and the line/paragraph separators, which also break lines.
_LINE_BREAKING = {"\u2028", "\u2029"}
# What turns a name into a link in a mail client: a scheme, «www.», or a domain-like word.
_LINK = re.compile(
    r"://|\bwww\.|\b[a-z][a-z0-9+.-]*:[/\\]|\b[\w-]+\.[a-z]{2,24}\b",
    re.IGNORECASE,
)


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character (Unicode category Cc: NUL, CR, LF, tab, DEL…)
    or a line/paragraph separator."""
    return any(unicodedata.category(c) == "Cc" or c in _LINE_BREAKING for c in text)


def single_line(text: str) -> str:
    """`text` on one line: every run of whitespace or control characters becomes one space,
    the ends trimmed. For text placed in a header or a one-line field (RFC 5322 subjects,
    RFC 5545 calendar names), where CR/LF would break the format."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(cleaned.split())


def looks_like_link(text: str) -> bool:
    """Whether `text` holds something a mail client would show as a link: «://», «www.», a
    scheme such as «http:/» or a word ending in a domain such as «exemple.fr»."""
    return bool(_LINK.search(text))


def validate_person_name(value: str) -> None:
    """A person's first or last name: no control character (line breaks included) and no
    link. Raises ValidationError with a French message naming the rule."""
    if has_control_characters(value):
        raise ValidationError(
            "Un prénom ou un nom ne peut pas contenir de retour à la ligne ni de caractère "
            "de contrôle.",
            code="control_characters",
        )
    if looks_like_link(value):
        raise ValidationError(
            "Un prénom ou un nom ne peut pas contenir de lien ni d'adresse de site "
            "(« www. », « :// », « exemple.fr »).",
            code="link",
        )
