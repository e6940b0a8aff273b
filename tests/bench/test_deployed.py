"""`maillage bench deployed` refuses what it cannot run against, before touching anything.

Its run needs a deployment (a proxy, two app servers, two workers, ops/deploy/
check-deployment.sh starts them); what it checks there is described in the README and in
maillage.bench.deployed. A smoke test would build a database and start four processes: more
than the minute a smoke test may take here, so the deployment script runs it instead.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.bench.deployed import Target

PROXY = ["--proxy", "http://127.0.0.1:1", "--proxy-one", "http://127.0.0.1:1"]


def test_a_production_site_is_refused(settings):
    settings.MAILLAGE_SITE_URL = "https://tiers-lieux.exemple.fr"
    with pytest.raises(CommandError, match="MAILLAGE_SITE_URL désigne tiers-lieux.exemple.fr"):
        call_command("bench", "deployed", *PROXY, "--app", "http://127.0.0.1:1", "--app", "x")


def test_two_app_servers_at_least():
    with pytest.raises(CommandError, match="Deux serveurs d'application au moins"):
        call_command("bench", "deployed", *PROXY, "--app", "http://127.0.0.1:1")


def test_addresses_are_http_or_https():
    with pytest.raises(CommandError, match="Adresse http:// ou https:// attendue : 127.0.0.1:2"):
        call_command(
            "bench", "deployed", *PROXY, "--app", "http://127.0.0.1:1", "--app", "127.0.0.1:2"
        )


def test_an_app_server_is_sent_what_the_proxy_would_send_it():
    proxy = Target("https://localhost:8443")
    app = Target("http://127.0.0.1:8101", host="localhost", forwarded_proto="https")
    assert proxy.origin == "https://localhost:8443"
    assert app.origin == "https://localhost"
