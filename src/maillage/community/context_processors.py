from functools import partial

from django.contrib.auth.models import AnonymousUser

from maillage.community.models import Referent
from maillage.community.permissions import is_member
from maillage.places.permissions import is_manager


def community(request):
    """Callables (their queries run only on the pages that show them): `community_referent`,
    the Département's referent or None (every page of the managers' space shows them, from
    web/base.html); `community_member`, whether the person enters the community's space;
    `community_can_have_profile`, whether they may have a directory profile and community
    emails of their own (managers and project holders)."""
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "community_referent": Referent.objects.current,
        "community_member": partial(is_member, user),
        "community_can_have_profile": partial(is_manager, user),
    }
