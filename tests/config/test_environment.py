"""Typed readers of the environment: a bad value stops the start with the variable named."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from maillage.config.environment import env_choice, env_email, env_int, env_line


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("MAILLAGE_TRUSTED_PROXIES", " 2 ")
    assert env_int("MAILLAGE_TRUSTED_PROXIES", 1, minimum=1) == 2
    monkeypatch.delenv("MAILLAGE_TRUSTED_PROXIES")
    assert env_int("MAILLAGE_TRUSTED_PROXIES", 1, minimum=1) == 1


@pytest.mark.parametrize("raw", ["deux", "1.5", "", "0"])
def test_env_int_refuses_what_is_not_a_whole_number_in_range(monkeypatch, raw):
    monkeypatch.setenv("MAILLAGE_TRUSTED_PROXIES", raw)
    with pytest.raises(ImproperlyConfigured, match="MAILLAGE_TRUSTED_PROXIES"):
        env_int("MAILLAGE_TRUSTED_PROXIES", 1, minimum=1)


def test_env_int_refuses_what_is_beyond_its_maximum(monkeypatch):
    monkeypatch.setenv("MAILLAGE_EMAIL_RETENTION_DAYS", "3650")
    assert env_int("MAILLAGE_EMAIL_RETENTION_DAYS", 90, minimum=1, maximum=3650) == 3650
    monkeypatch.setenv("MAILLAGE_EMAIL_RETENTION_DAYS", "3651")
    with pytest.raises(
        ImproperlyConfigured, match="MAILLAGE_EMAIL_RETENTION_DAYS must be at most 3650, got 3651"
    ):
        env_int("MAILLAGE_EMAIL_RETENTION_DAYS", 90, minimum=1, maximum=3650)


def test_env_choice_reads_one_of_its_words(monkeypatch):
    assert env_choice("LOG_FORMAT", ("json", "text"), "json") == "json"
    monkeypatch.setenv("LOG_FORMAT", " Text ")
    assert env_choice("LOG_FORMAT", ("json", "text"), "json") == "text"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of json, text"):
        env_choice("LOG_FORMAT", ("json", "text"), "json")


def test_env_line_reads_one_trimmed_line(monkeypatch):
    assert env_line("MAILLAGE_PUBLISHER_ADDRESS", "") == ""
    monkeypatch.setenv("MAILLAGE_PUBLISHER_ADDRESS", " 1 place du Département, 92000 Nanterre ")
    assert env_line("MAILLAGE_PUBLISHER_ADDRESS", "") == "1 place du Département, 92000 Nanterre"
    monkeypatch.setenv("MAILLAGE_PUBLISHER_ADDRESS", "1 place\nSet-Cookie: x=1")
    with pytest.raises(ImproperlyConfigured, match="MAILLAGE_PUBLISHER_ADDRESS must be one line"):
        env_line("MAILLAGE_PUBLISHER_ADDRESS", "")


def test_env_email_reads_an_address_or_the_default(monkeypatch):
    assert env_email("MAILLAGE_DPO_EMAIL", "contact@exemple.test") == "contact@exemple.test"
    monkeypatch.setenv("MAILLAGE_DPO_EMAIL", "")
    assert env_email("MAILLAGE_DPO_EMAIL", "contact@exemple.test") == "contact@exemple.test"
    monkeypatch.setenv("MAILLAGE_DPO_EMAIL", " dpo@exemple.test ")
    assert env_email("MAILLAGE_DPO_EMAIL", "") == "dpo@exemple.test"
    for raw in ("dpo", "dpo@exemple.test?subject=x", "a@b@c.test"):
        monkeypatch.setenv("MAILLAGE_DPO_EMAIL", raw)
        with pytest.raises(ImproperlyConfigured, match="MAILLAGE_DPO_EMAIL must be an email"):
            env_email("MAILLAGE_DPO_EMAIL", "")
