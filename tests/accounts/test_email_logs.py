"""An account email the mail server refuses is logged by template, never by address."""

import pytest

from maillage.accounts import emails


def test_a_failing_account_email_is_logged_without_the_address(settings, caplog):
    settings.EMAIL_BACKEND = "tests.booking.failing_mail.Backend"
    with pytest.raises(ConnectionRefusedError):
        emails.send_account_exists_email(
            "quelquun@exemple.test", "https://x.test/connexion", "https://x.test/oubli"
        )
    logged = [r for r in caplog.records if r.name == "maillage.accounts.emails"]
    assert [(r.levelname, r.getMessage()) for r in logged] == [
        ("ERROR", "Account email accounts/emails/account_exists not sent: ConnectionRefusedError")
    ]
    assert "quelquun" not in caplog.text
