"""Platform-wide roles. Place-level rights are in maillage.places.permissions."""

# Refusing a Département page to someone who is not of its staff.
STAFF_ONLY = "Cette page est réservée aux agents du Département."


def has_departement_rights(user) -> bool:
    """Département staff: every right on places, statuses, programmes and accounts."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_departement_staff)
    )


def lockout_username(request, credentials: dict | None) -> str | None:
    """The login name django-axes counts failures under: the address in lower case."""
    source = credentials if credentials is not None else request.POST
    username = source.get("username") if source else None
    return username.strip().lower() if isinstance(username, str) else None
