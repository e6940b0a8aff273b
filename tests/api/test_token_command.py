import pytest
from django.core.management import CommandError, call_command

from maillage.api.models import ApiToken


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["x" * 101, "Appli\nSecrète", "Appli\x00", "Appli\tdu lieu"], ids=repr
)
def test_a_token_name_the_field_refuses_writes_nothing(resident, name):
    """SQLite stored a 5,000-character or multi-line name that PostgreSQL refuses."""
    user = resident
    with pytest.raises(CommandError, match="--name : "):
        call_command("api_token", user.email, "--name", name)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_token_is_issued_for_a_good_name(resident, capsys):
    user = resident
    call_command("api_token", user.email, "--name", "Appli du quartier")
    key = capsys.readouterr().out.strip()
    assert ApiToken.user_for_key(key) == user
