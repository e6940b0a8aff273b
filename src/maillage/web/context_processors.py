from django.conf import settings

from maillage.accounts.roles import has_departement_rights
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS


def platform(request):
    code = settings.MAILLAGE_DEPARTEMENT
    return {
        "departement_code": code,
        "departement_name": ILE_DE_FRANCE_DEPARTEMENTS.get(code, code),
        "tiles_url": settings.MAILLAGE_TILES_URL,
        "tiles_attribution": settings.MAILLAGE_TILES_ATTRIBUTION,
        "has_departement_rights": has_departement_rights(request.user),
    }
