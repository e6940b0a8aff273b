import pytest
from django.utils import timezone

from maillage.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_new_account_cannot_book_until_its_address_is_verified():
    user = User.objects.create_user("a@exemple.test", "motdepasse-a-1")
    assert user.email_verified_at is None
    assert user.is_active
    assert not user.can_book
    user.email_verified_at = timezone.now()
    assert user.can_book


def test_an_inactive_account_cannot_book_even_verified():
    user = User.objects.create_user("b@exemple.test", "x", email_verified=True, is_active=False)
    assert user.email_verified_at is not None
    assert not user.can_book


def test_accounts_created_by_the_departement_count_as_verified():
    user = User.objects.create_user("c@exemple.test", "x", email_verified=True)
    assert user.can_book
    admin = User.objects.create_superuser("d@exemple.test", "x")
    assert admin.can_book


def test_demo_users_are_verified(territory):
    from maillage.demo.services import load_demo

    result = load_demo()
    emails = [login.email for login in result.logins]
    assert emails
    assert all(u.can_book for u in User.objects.filter(email__in=emails))
