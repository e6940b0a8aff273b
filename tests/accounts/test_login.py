import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import messages_of, page_text

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-habitant-1"  # the `resident` fixture's


def _login(client, email, password, **extra):
    data = {"username": email, "password": password, **extra}
    return client.post(reverse("accounts:login"), data)


def test_the_login_page_is_ours_and_french(client):
    response = client.get(reverse("accounts:login"))
    html = page_text(response)
    assert "<h1>Connexion</h1>" in html
    assert 'class="site-header"' in html  # the public look, not the admin's
    assert 'name="username"' in html and 'type="email"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert reverse("accounts:password_reset") in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_resident_logs_in_and_goes_home(client, resident):
    response = _login(client, "Habitant@Exemple.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(resident.pk)
    home = page_text(client.get(reverse("web:home")))
    assert "Mon compte" in home and "Déconnexion" in home and "Créer un compte" not in home


def test_login_goes_to_a_safe_next_page_only(client, resident):
    target = reverse("accounts:account")
    response = _login(client, resident.email, PASSWORD, next=target)
    assert response["Location"] == target
    client.logout()
    response = _login(client, resident.email, PASSWORD, next="https://ailleurs.example/piege")
    assert response["Location"] == reverse("web:home")


def test_the_next_page_is_carried_by_the_form(client):
    html = page_text(client.get(reverse("accounts:login") + "?next=/compte/"))
    assert '<input type="hidden" name="next" value="/compte/">' in html


def test_a_wrong_password_is_refused_in_french(client, resident):
    response = _login(client, resident.email, "faux")
    assert response.status_code == 200
    html = page_text(response)
    assert 'role="alert"' in html
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert "_auth_user_id" not in client.session


def test_an_invalid_address_is_named(client):
    html = page_text(_login(client, "pas-une-adresse", "x"))
    assert "Adresse électronique</a> : Saisissez une adresse électronique valide" in html


def test_an_unverified_account_can_log_in(client, unverified_user):
    from tests.accounts.helpers import STRONG_PASSWORD

    assert _login(client, unverified_user.email, STRONG_PASSWORD).status_code == 302
    html = page_text(client.get(reverse("accounts:account")))
    assert "Non vérifiée" in html
    assert reverse("accounts:resend_verification") in html


def test_a_deactivated_account_cannot_log_in(client, resident):
    resident.is_active = False
    resident.save()
    assert _login(client, resident.email, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_public_login_is_rate_limited(client, resident, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Changing the case of the address does not reset the count.
        email = resident.email.upper() if attempt % 2 else resident.email
        _login(client, email, "faux")
    response = _login(client, resident.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
    assert "_auth_user_id" not in client.session
    # The lock is shared with the back-office login.
    admin = client.post(reverse("admin:login"), {"username": resident.email, "password": PASSWORD})
    assert admin.status_code == 429


# Spellings of «habitant@exemple.test»: case, spaces, and letters that Unicode case folding
# (PostgreSQL's UPPER(), Python's casefold) or IDNA turn into ASCII ones.
SPELLINGS = [
    "HABITANT@EXEMPLE.TEST",
    " habitant@exemple.test ",
    "habıtant@exemple.test",  # dotless i
    "habitant@exemple.teſt",  # long s
    "habitant@exemple.tes\u0074",
    "habitant@EXEMPLE.TE\u017f\u0054",
    "\u212aabitant@exemple.test",  # Kelvin sign (no «K» here: refused either way)
    "habitant@exemple.test\u200b",
]


@pytest.mark.parametrize("spelling", SPELLINGS, ids=ascii)
def test_every_spelling_that_logs_in_is_counted_as_the_address(client, resident, spelling):
    """The login limits count failures per spelling of the address: a spelling that opens
    the account must be counted as the address itself. «habıtant@exemple.teſt» opened it on
    PostgreSQL (not on SQLite) with its own count of failures."""
    from maillage.accounts.roles import lockout_username

    logged_in = _login(client, spelling, PASSWORD).status_code == 302
    counted_as = lockout_username(None, {"username": spelling})
    assert not logged_in or counted_as == resident.email


def test_a_spelling_only_postgresql_folds_does_not_log_in(client, resident):
    assert _login(client, "habıtant@exemple.teſt", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_do_not_lock(client, resident, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, resident.email, "faux")
    assert _login(client, resident.email, PASSWORD).status_code == 302


def test_login_needs_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, resident.email, PASSWORD).status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, resident):
    client.force_login(resident)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert "_auth_user_id" not in client.session
    home = client.get(response["Location"])
    assert "Vous êtes déconnecté" in messages_of(home)
    assert "Connexion" in page_text(home) and "Créer un compte" in page_text(home)


def test_logout_needs_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_a_logged_in_visitor_of_the_login_page_goes_home(client, resident):
    client.force_login(resident)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_login_limits_count_per_ip_across_addresses(client, resident, settings):
    """Password spraying: one try on each of many addresses from one IP ends locked."""
    settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT = 12
    for number in range(settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT):
        _login(client, f"personne{number}@exemple.test", "faux")
    # Even the right password of an address never tried is refused from that IP…
    locked = _login(client, resident.email, PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Trop de tentatives" in page_text(locked)
    admin = client.post(reverse("admin:login"), {"username": resident.email, "password": PASSWORD})
    assert admin.status_code == 429
    # …while another IP is not concerned.
    elsewhere = _login(Client(REMOTE_ADDR="198.51.100.9"), resident.email, PASSWORD)
    assert elsewhere.status_code == 302


def test_fewer_failures_than_the_ip_limit_do_not_lock(client, resident, settings):
    settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT = 12
    for number in range(settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT - 1):
        _login(client, f"personne{number}@exemple.test", "faux")
    assert _login(client, resident.email, PASSWORD).status_code == 302


def test_a_success_does_not_wipe_the_failures_on_other_addresses(client, resident, settings):
    settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT = 6
    for number in range(settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT - 1):
        _login(client, f"personne{number}@exemple.test", "faux")
    assert _login(client, resident.email, PASSWORD).status_code == 302  # the attacker's own
    client.post(reverse("accounts:logout"))
    _login(client, "personne-de-plus@exemple.test", "faux")
    assert _login(client, resident.email, PASSWORD).status_code == 429


def behind_proxies(settings, count: int) -> None:
    settings.MAILLAGE_TRUSTED_PROXIES = count


@pytest.mark.parametrize(
    ("trusted", "forwarded", "client_ip"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy: the header is the client's, ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.77, 203.0.113.5", "203.0.113.5"),  # the left entry is spoofed
        (2, "198.51.100.77, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: the connection
        (1, "pas-une-adresse", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8:0:7::1", "2001:db8:0:7::"),  # an IPv6 client counts as its /64
        (1, "2001:db8:0:7:ffff::2", "2001:db8:0:7::"),
        (1, "::ffff:203.0.113.5", "203.0.113.5"),
    ],
)
def test_the_client_ip_comes_from_the_trusted_proxies_only(
    rf, settings, trusted, forwarded, client_ip
):
    from maillage.accounts.lockout import client_ip as read_client_ip

    behind_proxies(settings, trusted)
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert read_client_ip(request) == client_ip


def test_spoofed_forwarded_entries_do_not_escape_the_lock(resident, settings):
    """Behind one proxy, a client changing the left part of X-Forwarded-For at each try is
    still counted as the address the proxy saw."""
    behind_proxies(settings, 1)
    client = Client(REMOTE_ADDR="10.0.0.2")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": resident.email, "password": "faux"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5",
        )
    locked = client.post(
        reverse("accounts:login"),
        {"username": resident.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.5",
    )
    assert locked.status_code == 429
    # A different real client behind the same proxy is not locked.
    other = Client(REMOTE_ADDR="10.0.0.2").post(
        reverse("accounts:login"),
        {"username": resident.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert other.status_code == 302


def test_the_back_office_login_without_next_lands_on_a_real_page(client, staff_user):
    staff_user.set_password(PASSWORD)
    staff_user.save()
    for target in ("", "?next=https://ailleurs.example/"):
        client.logout()
        response = client.post(
            reverse("admin:login") + target, {"username": staff_user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        assert client.get(response["Location"]).status_code == 200


def test_every_configured_redirect_is_a_real_page(client, staff_user, settings):
    from django.shortcuts import resolve_url

    client.force_login(staff_user)
    for name in ("LOGIN_URL", "LOGIN_REDIRECT_URL", "LOGOUT_REDIRECT_URL"):
        target = getattr(settings, name)
        if target is not None:
            assert client.get(resolve_url(target)).status_code in (200, 302), name


def test_changing_address_within_an_ipv6_network_does_not_escape_the_lock(resident, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"2001:db8:0:7::{attempt + 1:x}").post(
            reverse("accounts:login"), {"username": resident.email, "password": "faux"}
        )
    locked = _login(Client(REMOTE_ADDR="2001:db8:0:7::beef"), resident.email, PASSWORD)
    assert locked.status_code == 429
    elsewhere = _login(Client(REMOTE_ADDR="2001:db8:0:8::1"), resident.email, PASSWORD)
    assert elsewhere.status_code == 302


def test_no_address_is_looked_up_case_insensitively_by_the_database():
    """`email__iexact` folds case with the database's rules: PostgreSQL's Unicode UPPER()
    matches spellings SQLite does not. Addresses are stored in lower case: look them up
    exactly, normalised with accounts.services.normalize_email."""
    from pathlib import Path

    import maillage

    sources = Path(maillage.__file__).parent.rglob("*.py")
    offenders = [str(path) for path in sources if "email__iexact" in path.read_text()]
    assert offenders == []
