"""The footer's pages a public service owes: each answers, says what the settings and the
purges decide, and is linked from the footer of every page."""

import html

import pytest
from django.urls import reverse

from maillage.web.legal import facts
from tests.config.test_settings import run_maillage

pytestmark = pytest.mark.django_db

LEGAL_PAGES = {
    "web:legal_notice": "Mentions légales",
    "web:privacy": "Données personnelles",
    "web:accessibility": "Déclaration d'accessibilité",
    "web:contact": "Contact",
    "web:site_map": "Plan du site",
}
SITE_MAP_NAMES = [name for section in facts.SITE_MAP for _, name in section.pages]
# The API's documentation is its own page (the OpenAPI viewer), without the site's footer.
WITH_FOOTER = [name for name in SITE_MAP_NAMES if name != "api:docs"]


@pytest.fixture
def publisher_settings(settings):
    settings.MAILLAGE_PUBLISHER_NAME = "Conseil départemental de l'Exemple"
    settings.MAILLAGE_PUBLISHER_ADDRESS = "1 place de la Préfecture, 99000 Exempleville"
    settings.MAILLAGE_PUBLISHER_PHONE = "01 23 45 67 89"
    settings.MAILLAGE_PUBLICATION_DIRECTOR = "Mme Camille Exemple, présidente"
    settings.MAILLAGE_HOST_NAME = "Hébergeur Exemple SAS"
    settings.MAILLAGE_HOST_ADDRESS = "2 rue des Serveurs, 59000 Lille"
    settings.MAILLAGE_CONTACT_EMAIL = "tiers-lieux@exemple.test"
    settings.MAILLAGE_DPO_EMAIL = "dpo@exemple.test"
    return settings


@pytest.mark.parametrize(("name", "heading"), LEGAL_PAGES.items())
def test_each_page_answers_with_its_heading(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{heading}</h1>" in content.replace("&#x27;", "'")
    assert f"<title>{heading} — " in content.replace("&#x27;", "'")
    assert client.head(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


def test_by_default_the_departement_publishes_and_hosts_and_its_dpo_reads_the_contact_address(
    client,
):
    notice = client.get(reverse("web:legal_notice")).content.decode()
    assert notice.count("Département des Hauts-de-Seine") == 2  # publisher and host
    assert "Le président ou la présidente du Conseil départemental" in notice
    privacy = client.get(reverse("web:privacy")).content.decode()
    assert 'href="mailto:contact@maillage.fr"' in privacy


def test_the_legal_notice_shows_the_publisher_host_and_licences(client, publisher_settings):
    content = client.get(reverse("web:legal_notice")).content.decode()
    for shown in (
        "Conseil départemental de l&#x27;Exemple",
        "1 place de la Préfecture, 99000 Exempleville",
        'href="tel:0123456789"',
        "Mme Camille Exemple, présidente",
        "Hébergeur Exemple SAS",
        "2 rue des Serveurs, 59000 Lille",
        "Licence Ouverte",
        "IGN Admin Express et INSEE",
        f'href="{reverse("web:opendata")}"',
    ):
        assert shown in content, shown


def test_privacy_names_the_dpo_the_rights_and_the_cnil(client, publisher_settings):
    content = client.get(reverse("web:privacy")).content.decode()
    assert content.count('href="mailto:dpo@exemple.test"') == 2
    for right in ("accéder", "rectifier", "effacer", "portabilité", "vous opposer"):
        assert right in content
    assert "https://www.cnil.fr/fr/plaintes" in content
    assert "article 6.1.e du RGPD" in content
    assert f'href="{reverse("api_access:home")}"' in content  # where a consent is withdrawn


def test_privacy_states_the_retention_periods_the_purges_apply(client, settings):
    settings.MAILLAGE_STATUS_RETENTION_DAYS = 200
    settings.MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS = 90
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    settings.MAILLAGE_ACCESS_LOG_RETENTION_DAYS = 181
    settings.MAILLAGE_EMAIL_RETENTION_DAYS = 91
    settings.MAILLAGE_ACTION_LOG_RETENTION_DAYS = 366
    settings.MAILLAGE_TASK_RESULT_RETENTION_DAYS = 31
    content = html.unescape(client.get(reverse("web:privacy")).content.decode())
    assert "supprimés 200 jours après la fin de validité du statut" in content
    assert "effacées 90 jours après son envoi" in content
    assert "une demande non confirmée est supprimée après 3 jours" in content
    assert "7 jours au plus" in content
    assert (
        "effacées à la tentative suivante, passé 15 minutes, et au plus tard après 181 jours"
        in content
    )
    assert (
        '<th scope="row">Connexions (date, adresse IP, adresse électronique, navigateur)</th>'
        '<td data-label="Durée">181 jours</td>' in content
    )
    assert "supprimés 91 jours après leur envoi (ou l'abandon de l'envoi)" in content
    assert '<td data-label="Durée">366 jours ; l\'historique des réservations' in content
    assert "supprimés 31 jours après la fin du traitement" in content
    assert "30 jours après un envoi réussi, 90 jours après un envoi abandonné" in content
    assert '<td data-label="Durée">14 jours</td>' in content


def test_privacy_says_what_erasing_an_account_keeps(client):
    """What web.account_erasure.erase_account does: the account emptied, bookings and
    registrations kept without the person's name or contact so that the figures stay true
    (tests/web/test_account_erasure.py checks the erasure itself)."""
    content = html.unescape(client.get(reverse("web:privacy")).content.decode())
    assert f'<a href="{reverse("web:delete_account")}">« Supprimer mon compte »</a>' in content
    assert (
        "quand vous le supprimez, le nom, le prénom et le téléphone sont effacés, l'adresse "
        "électronique est remplacée par une adresse qui ne désigne personne" in content
    )
    assert (
        '<th scope="row">Réservations et inscriptions aux ateliers</th><td data-label="Durée">'
        "tant que le compte existe, puis conservées après sa suppression, avec leurs dates, "
        "lieux et montants mais sans nom ni coordonnées" in content
    )
    assert "pour que les chiffres des lieux et des programmes restent justes" in content
    assert "sauf les réservations dont le délai d'annulation est passé, qui restent dues" in content
    assert (
        "Vos réservations et inscriptions sont ensuite conservées, sans votre nom ni vos "
        "coordonnées, pour que les chiffres des lieux et des programmes restent justes" in content
    )


def test_privacy_names_the_tile_server_the_browser_asks(client, settings):
    settings.MAILLAGE_TILES_URL = "https://tuiles.exemple.test/{z}/{x}/{y}.png"
    assert "<code>tuiles.exemple.test</code>" in client.get(reverse("web:privacy")).content.decode()
    settings.MAILLAGE_TILES_URL = ""
    assert "Les fonds de carte" not in client.get(reverse("web:privacy")).content.decode()


def test_the_accessibility_statement_follows_the_rgaa_structure(client, publisher_settings):
    content = client.get(reverse("web:accessibility")).content.decode()
    headings = [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles connus",
        "Établissement de cette déclaration",
        "Retour d'information et contact",
        "Voies de recours",
    ]
    positions = [content.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "<strong>Maillage est non conforme</strong>" in content
    assert "RGAA), version 4.1" in content
    assert "établie le 1er décembre 2026" in content
    assert "Défenseur des droits" in content
    assert 'href="mailto:tiers-lieux@exemple.test"' in content
    assert "Conseil départemental de l&#x27;Exemple s'engage" in content


def test_contact_gives_addresses_and_stores_nothing(client, publisher_settings):
    content = client.get(reverse("web:contact")).content.decode()
    assert 'href="mailto:tiers-lieux@exemple.test"' in content
    assert 'href="mailto:dpo@exemple.test"' in content
    assert ">Par courrier ou par téléphone</h2>" in content
    assert "1 place de la Préfecture, 99000 Exempleville" in content
    assert "<form" not in content


def test_an_empty_address_and_phone_are_left_out(client, settings):
    notice = client.get(reverse("web:legal_notice")).content.decode()
    assert "tel:" not in notice
    assert "<address>\n  Département des Hauts-de-Seine\n</address>" in notice
    assert "Par courrier" not in client.get(reverse("web:contact")).content.decode()
    settings.MAILLAGE_PUBLISHER_PHONE = "01 23 45 67 89"
    contact = client.get(reverse("web:contact")).content.decode()
    assert ">Par téléphone</h2>" in contact
    assert 'href="tel:0123456789"' in contact


def test_the_site_map_lists_its_pages_and_each_answers(client):
    content = client.get(reverse("web:site_map")).content.decode()
    assert set(LEGAL_PAGES) <= set(SITE_MAP_NAMES)
    for name in SITE_MAP_NAMES:
        assert f'href="{reverse(name)}"' in content, name
        assert client.get(reverse(name)).status_code == 200, name


def assert_footer_links_the_legal_pages(content: str) -> None:
    footer = content[content.index('<footer class="site-footer">') :]
    for legal in LEGAL_PAGES:
        assert f'href="{reverse(legal)}"' in footer, legal
    assert "Accessibilité : non conforme" in footer


@pytest.mark.parametrize("name", [*WITH_FOOTER, "accounts:account"])
def test_the_footer_links_every_legal_page(client, resident, name):
    if name == "accounts:account":
        client.force_login(resident)
    assert_footer_links_the_legal_pages(client.get(reverse(name)).content.decode())


def test_the_not_found_page_links_them_too(client):
    response = client.get("/page-inconnue/")
    assert response.status_code == 404
    assert_footer_links_the_legal_pages(response.content.decode())


def test_the_settings_come_from_the_environment(tmp_path):
    values = {
        "MAILLAGE_PUBLISHER_NAME": "Département de l'Exemple",
        "MAILLAGE_PUBLISHER_ADDRESS": "1 place de la Préfecture, 99000 Exempleville",
        "MAILLAGE_PUBLISHER_PHONE": "01 23 45 67 89",
        "MAILLAGE_PUBLICATION_DIRECTOR": "Mme Camille Exemple",
        "MAILLAGE_HOST_NAME": "Hébergeur Exemple",
        "MAILLAGE_HOST_ADDRESS": "2 rue des Serveurs, 59000 Lille",
        "MAILLAGE_CONTACT_EMAIL": "tiers-lieux@exemple.test",
        "MAILLAGE_DPO_EMAIL": "dpo@exemple.test",
    }
    result = run_maillage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings;"
        f"print('|'.join(getattr(settings, name) for name in {list(values)!r}))",
        DEBUG="true",
        **values,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "|".join(values.values())
