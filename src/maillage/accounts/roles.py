"""Platform-wide roles. Place-level rights are in maillage.places.permissions."""


def has_departement_rights(user) -> bool:
    """Département staff: every right on places, statuses, programmes and accounts."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_departement_staff)
    )
