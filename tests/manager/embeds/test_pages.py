"""The pages where staff and managers keep their embeds (/gestion/integrations/…): rights on
every path (a manager of another place: 403, nothing written; anonymous visitors sent to the
login page), the form (saved, or 400 naming the field in French, nothing written), the
snippet to copy and the preview."""

import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.manager.embeds import services
from maillage.manager.models import Embed, EmbedLog, EmbedScope
from maillage.places.permissions import MANAGERS_ONLY, NOT_YOUR_PLACE
from tests.factories import ManagerFactory
from tests.fixtures.embeds import PARTNER_ORIGIN, make_embed
from tests.pages import text

pytestmark = pytest.mark.django_db

EMBEDS = reverse("manager:embeds")
ADD = reverse("manager:add_embed")


def paths(embed: Embed) -> list[str]:
    """The pages of one embed: its form, its preview, its deletion."""
    return [
        reverse(name, args=[embed.pk])
        for name in ("manager:embed", "manager:embed_preview", "manager:delete_embed")
    ]


def embed_data(**changes) -> dict:
    data = {
        "title": "Nos espaces",
        "place": "",
        "allowed_origins": f"{PARTNER_ORIGIN}\nhttp://localhost:8080",
        "is_active": "on",
    }
    data.update(changes)
    return data


def stored(embed: Embed) -> tuple:
    embed.refresh_from_db()
    return (embed.title, embed.scope, embed.place_id, embed.commune_id, embed.allowed_origins)


def test_anonymous_visitors_sign_in_first(client, place_embed):
    form, preview, delete = paths(place_embed)
    sent = [client.get(url) for url in (EMBEDS, ADD, form, preview, delete)]
    sent += [client.post(url, {**embed_data(), "confirmer": "oui"}) for url in (ADD, form, delete)]
    for response in sent:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert Embed.objects.count() == 1


def test_someone_managing_no_place_is_refused(client, resident, place_embed):
    client.force_login(resident)
    for url in (EMBEDS, ADD):
        response = client.get(url)
        assert response.status_code == 403 and MANAGERS_ONLY in text(response)
    before = stored(place_embed)
    form, preview, delete = paths(place_embed)
    for url in (form, preview, delete):
        assert client.get(url).status_code == 403
    for url in (ADD, form, delete):
        assert client.post(url, {**embed_data(), "confirmer": "oui"}).status_code == 403
    assert stored(place_embed) == before and Embed.objects.count() == 1


def test_a_manager_of_another_place_reaches_none_of_its_paths(
    client, manager, place, place_embed, other_embed
):
    client.force_login(manager)
    before = stored(other_embed)
    form, preview, delete = paths(other_embed)
    for url in (form, preview, delete):
        response = client.get(url)
        assert response.status_code == 403 and NOT_YOUR_PLACE in text(response), url
    for url in (form, delete):
        posted = client.post(url, {**embed_data(place=str(place.pk)), "confirmer": "oui"})
        assert posted.status_code == 403, url
    assert stored(other_embed) == before
    assert EmbedLog.objects.filter(embed_id=other_embed.pk).count() == 1  # its creation only
    # Nor does the list show it.
    page = text(client.get(EMBEDS))
    assert place_embed.title in page and other_embed.title not in page
    # Unknown: 404.
    missing = other_embed.pk + 1000
    assert client.get(reverse("manager:embed", args=[missing])).status_code == 404


def test_a_manager_makes_an_embed_of_their_place_only(client, manager, place, other_place):
    client.force_login(manager)
    assert f'<a href="{EMBEDS}">' in text(client.get(reverse("manager:places")))
    form = text(client.get(ADD))
    assert 'name="place"' in form and f'value="{place.pk}"' in form
    assert f'value="{other_place.pk}"' not in form
    assert 'name="scope"' not in form and 'name="commune"' not in form
    refused = client.post(ADD, embed_data(place=str(other_place.pk)))
    assert refused.status_code == 400 and not Embed.objects.exists()
    assert "Sélectionnez un choix valide" in text(refused)
    # A scope posted anyway is not theirs to choose: the embed lists their place.
    response = client.post(ADD, embed_data(place=str(place.pk), scope="commune", commune="1"))
    embed = Embed.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("manager:embed", args=[embed.pk])
    assert (embed.scope, embed.place, embed.commune, embed.created_by) == (
        EmbedScope.PLACE,
        place,
        None,
        manager,
    )
    assert embed.origins == [PARTNER_ORIGIN, "http://localhost:8080"]
    assert len(embed.public_id) == 16 and embed.public_id != str(embed.pk)
    assert list(EmbedLog.objects.values_list("embed_id", "action", "actor")) == [
        (embed.pk, "created", manager.pk)
    ]


def test_the_services_refuse_a_manager_what_the_form_does_not_offer(manager, place, other_place):
    with pytest.raises(PermissionDenied, match="Seule l'équipe du Département"):
        make_embed(manager)
    with pytest.raises(PermissionDenied, match=NOT_YOUR_PLACE):
        make_embed(manager, scope=EmbedScope.PLACE, place=other_place)
    mine = make_embed(manager, scope=EmbedScope.PLACE, place=place)
    mine.scope, mine.place, mine.ept = EmbedScope.EPT, None, "Grand Paris Seine Ouest"
    with pytest.raises(PermissionDenied):
        services.save_embed(manager, mine)
    stranger = ManagerFactory(places=[other_place])
    with pytest.raises(PermissionDenied, match=NOT_YOUR_PLACE):
        services.delete_embed(stranger, mine.pk)
    assert Embed.objects.get().scope == EmbedScope.PLACE
    assert EmbedLog.objects.count() == 1


def test_the_embed_page_gives_the_snippet_a_preview_and_its_history(
    client, manager, place_embed, settings
):
    settings.MAILLAGE_SITE_URL = "https://tiers-lieux.exemple.fr"
    client.force_login(manager)
    response = client.get(reverse("manager:embed", args=[place_embed.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    public = f"https://tiers-lieux.exemple.fr/integration/{place_embed.public_id}/"
    snippet = (
        f"&lt;iframe src=&quot;{public}&quot; title=&quot;La liste du lieu&quot; "
        "width=&quot;100%&quot; height=&quot;420&quot; loading=&quot;lazy&quot; "
        "style=&quot;border:0&quot;&gt;&lt;/iframe&gt;"
    )
    assert f'<code id="embed-snippet">{snippet}</code>' in page
    assert 'data-copy="embed-snippet"' in page and "web/copy.js" in page
    preview = reverse("manager:embed_preview", args=[place_embed.pk])
    assert f'<iframe class="embed-preview" src="{preview}"' in page
    assert f": créée par {manager}" in text(response)


def test_a_manager_edits_then_deletes_their_embed(client, manager, place, place_embed):
    client.force_login(manager)
    url = reverse("manager:embed", args=[place_embed.pk])
    response = client.post(url, embed_data(title="Réserver à la Ruche", place=str(place.pk)))
    assert response.status_code == 302
    assert stored(place_embed)[0] == "Réserver à la Ruche"
    delete = reverse("manager:delete_embed", args=[place_embed.pk])
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "Supprimer l'intégration" in text(confirm)
    assert client.post(delete).status_code == 200  # without the confirmation: asked again
    assert Embed.objects.exists()
    response = client.post(delete, {"confirmer": "oui"})
    assert response.status_code == 302 and response["Location"] == EMBEDS
    assert not Embed.objects.exists()
    assert list(EmbedLog.objects.order_by("pk").values_list("action", "title")) == [
        ("created", "La liste du lieu"),
        ("changed", "Réserver à la Ruche"),
        ("deleted", "Réserver à la Ruche"),
    ]
    # A second click finds it gone: 404, nothing written.
    assert client.post(delete, {"confirmer": "oui"}).status_code == 404
    assert services.delete_embed(manager, place_embed.pk) is False


def test_staff_make_a_commune_and_an_ept_embed_and_edit_a_manager_s(
    client, staff_user, commune, place, place_embed
):
    client.force_login(staff_user)
    form = text(client.get(ADD))
    assert 'name="scope"' in form and "Grand Paris Seine Ouest" in form
    response = client.post(ADD, embed_data(scope="commune", commune=str(commune.pk)))
    assert response.status_code == 302
    by_commune = Embed.objects.get(scope=EmbedScope.COMMUNE)
    assert (by_commune.commune, by_commune.created_by) == (commune, staff_user)
    response = client.post(ADD, embed_data(scope="ept", ept="Grand Paris Seine Ouest"))
    assert response.status_code == 302
    assert Embed.objects.get(scope=EmbedScope.EPT).ept == "Grand Paris Seine Ouest"
    url = reverse("manager:embed", args=[place_embed.pk])
    response = client.post(url, embed_data(scope="place", place=str(place.pk), is_active=""))
    assert response.status_code == 302
    place_embed.refresh_from_db()
    assert not place_embed.is_active
    listed = text(client.get(EMBEDS))
    for scope in (
        "Commune : Boulogne-Billancourt",
        "EPT : Grand Paris Seine Ouest",
        f"Lieu : {place.name}",
    ):
        assert f'<td data-label="Lieux affichés">{scope}</td>' in listed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"allowed_origins": "http://www.ville-exemple.fr"},
            "Origines web autorisées",
            "Origines web autorisées, ligne 1 : https obligatoire (http seulement pour localhost).",
        ),
        (
            {"allowed_origins": "https://www.ville-exemple.fr\nhttps://partenaire.fr/page"},
            "Origines web autorisées",
            "Origines web autorisées, ligne 2 : une origine n'a ni chemin ni « / » final",
        ),
        (
            {"allowed_origins": "https://*.ville-exemple.fr"},
            "Origines web autorisées",
            "pas de joker (*), une origine exacte par ligne.",
        ),
        (
            {"allowed_origins": "https://a.fr;script-src"},
            "Origines web autorisées",
            "n'est pas",
        ),
        ({"allowed_origins": " \n "}, "Origines web autorisées", "Ce champ est obligatoire."),
        ({"title": "Deux\nlignes"}, "Titre", "Le titre ne peut pas contenir de retour"),
        ({"scope": "commune"}, "Commune", "Choisissez une commune du département."),
        (
            {"scope": "ept", "ept": "Est Ensemble"},
            "Établissement public territorial",
            "Sélectionnez un choix valide",
        ),
        ({"scope": "place"}, "Tiers-lieu", "Choisissez un tiers-lieu du département."),
    ],
)
def test_bad_input_is_named_in_french_and_nothing_is_written(
    client, staff_user, changes, field, message
):
    client.force_login(staff_user)
    response = client.post(ADD, embed_data(**{"scope": "commune", "commune": "", **changes}))
    assert response.status_code == 400
    page = text(response)
    assert f"{field}</a> : " in page and message in page
    assert not Embed.objects.exists() and not EmbedLog.objects.exists()


def test_the_scope_keeps_only_what_it_names(staff_user, commune, place):
    embed = make_embed(staff_user, scope=EmbedScope.PLACE, place=place, commune=commune)
    assert (embed.place, embed.commune, embed.ept) == (place, None, "")


def test_a_title_with_markup_stays_text_in_the_snippet(client, staff_user, territory, settings):
    settings.MAILLAGE_SITE_URL = "https://tiers-lieux.exemple.fr"
    embed = make_embed(staff_user, title='Les "lieux" <b>& co</b>')
    client.force_login(staff_user)
    page = client.get(reverse("manager:embed", args=[embed.pk])).content.decode()
    shown = re.search(r'<code id="embed-snippet">(.*?)</code>', page).group(1)
    # Escaped once in the snippet, once more on the page: the snippet is text to copy.
    assert html.unescape(shown) == (
        f'<iframe src="https://tiers-lieux.exemple.fr/integration/{embed.public_id}/" '
        'title="Les &quot;lieux&quot; &lt;b&gt;&amp; co&lt;/b&gt;" width="100%" height="640" '
        'loading="lazy" style="border:0"></iframe>'
    )
    assert "<b>" not in page


def test_saving_an_embed_deleted_meanwhile_is_refused(manager, place_embed):
    assert services.delete_embed(manager, place_embed.pk) is True
    place_embed.title = "Autre titre"
    with pytest.raises(ValidationError, match="supprimée entre-temps"):
        services.save_embed(manager, place_embed)
    assert not Embed.objects.exists()
    assert list(EmbedLog.objects.values_list("action", flat=True)) == ["created", "deleted"]
