"""Account use cases: sign-up, email verification, the person's own details and email
preferences (logged in AccountLog). No request here; views pass plain values."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.accounts.models import AccountAction, AccountLog, User
from maillage.core.text import ascii_digits
from maillage.core.validators import normalize_french_phone

VERIFICATION_MAX_AGE = timedelta(days=3)
# One verification email per account per minute, whoever asks for it.
VERIFICATION_RESEND_INTERVAL = timedelta(minutes=1)
_VERIFICATION_SALT = "maillage.accounts.email-verification"
_EMAIL_TAKEN = "Un compte existe déjà avec cette adresse électronique."


class AccountError(Exception):
    """A domain error whose message is shown to the person, in French."""


class EmailAlreadyUsed(AccountError):
    pass


class VerificationLinkInvalid(AccountError):
    pass


class VerificationLinkExpired(AccountError):
    pass


class VerificationLinkUsed(AccountError):
    pass


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def register_user(email: str, password: str, *, first_name: str = "", last_name: str = "") -> User:
    """A new account, able to log in but not to book until its email address is verified.

    The caller has validated the password; a concurrent sign-up with the same address is
    refused by the database's case-insensitive unique constraint."""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                normalize_email(email),
                password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
    except ValidationError as error:
        if "email" in getattr(error, "error_dict", {}):
            raise EmailAlreadyUsed(_EMAIL_TAKEN) from error
        raise
    except IntegrityError as error:
        raise EmailAlreadyUsed(_EMAIL_TAKEN) from error


def _state_digest(user: User) -> str:
    # Changes when the address changes or once it is verified: a link works once.
    state = f"{user.pk}|{user.email}|{user.email_verified_at}"
    return salted_hmac(_VERIFICATION_SALT, state).hexdigest()[:32]


def verification_token(user: User) -> str:
    """A signed, timestamped token for the verification link of `user`'s current address."""
    return signing.TimestampSigner(salt=_VERIFICATION_SALT).sign(f"{user.pk}.{_state_digest(user)}")


def user_for_verification_token(token: str) -> User:
    """The user the token was issued to, if it is still valid; raises an AccountError."""
    try:
        value = signing.TimestampSigner(salt=_VERIFICATION_SALT).unsign(
            token, max_age=VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise VerificationLinkExpired(
            "Ce lien de vérification a expiré (il est valable 3 jours). "
            "Demandez un nouveau lien ci-dessous."
        ) from error
    except signing.BadSignature as error:
        raise VerificationLinkInvalid(
            "Ce lien de vérification n'est pas valide. Vérifiez qu'il a été copié en entier, "
            "ou demandez un nouveau lien."
        ) from error
    pk, _, digest = value.partition(".")
    user = User.objects.filter(pk=pk, is_active=True).first() if ascii_digits(pk) else None
    if user is None:
        raise VerificationLinkInvalid("Ce lien de vérification ne correspond à aucun compte actif.")
    if user.email_verified_at is not None:
        raise VerificationLinkUsed(
            "Ce lien a déjà été utilisé : votre adresse est vérifiée. Connectez-vous."
        )
    if not constant_time_compare(digest, _state_digest(user)):
        raise VerificationLinkInvalid(
            "Ce lien de vérification ne correspond plus à l'adresse du compte. "
            "Demandez un nouveau lien."
        )
    return user


def verify_email(token: str) -> User:
    """Marks the address of the token's user verified, once; raises an AccountError."""
    with transaction.atomic():
        user = user_for_verification_token(token)
        # Lock the row: two clicks at the same time verify once.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_verified_at is not None:
            raise VerificationLinkUsed(
                "Ce lien a déjà été utilisé : votre adresse est vérifiée. Connectez-vous."
            )
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def mark_email_verified(user: User) -> None:
    """Proof of the address by another route (a password reset link received by email)."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def user_awaiting_verification(email: str) -> User | None:
    """The active, unverified account of this address, if any (for «renvoyer le lien»)."""
    return User.objects.filter(
        email=normalize_email(email), is_active=True, email_verified_at__isnull=True
    ).first()


def verification_throttle_key(user: User) -> str:
    return f"accounts:verification-sent:{user.pk}:{user.date_joined.timestamp():.6f}"


def claim_verification_email(user: User) -> bool:
    """True if a verification email may be sent to `user` now (at most one per interval)."""
    return cache.add(
        verification_throttle_key(user),
        True,
        timeout=VERIFICATION_RESEND_INTERVAL.total_seconds(),
    )


PROFILE_FIELDS = ("first_name", "last_name", "phone")
PREFERENCE_FIELDS = ("remind_bookings", "remind_events", "notify_status_expiry")


def _record_changes(
    actor: User, user: User, action: str, values: Mapping[str, object], now: datetime | None
) -> list[str]:
    """Set `values` on `user` (locked), validate, save the fields that changed and log
    their names (not their values) as `action` by `actor`; the names changed. Raises
    ValidationError (French, per field) and writes nothing on bad input."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, values[name])
        # Only the fields given: an older row's other fields never block the person's edit.
        locked.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in values])
        if changed:
            locked.save(update_fields=changed)
            AccountLog.objects.create(
                user=locked,
                actor=actor,
                action=action,
                detail=", ".join(changed),
                at=now or timezone.now(),
            )
    for name in changed:
        setattr(user, name, values[name])
    return changed


def update_profile(
    actor: User,
    user: User,
    *,
    first_name: str,
    last_name: str,
    phone: str,
    now: datetime | None = None,
) -> list[str]:
    """The person's own first name, last name and phone (any French spelling, stored as
    «01 23 45 67 89», "" to remove it); the names of the fields changed, logged.
    PermissionDenied unless `actor` is `user`; ValidationError on bad input."""
    _own(actor, user)
    try:
        normalized = normalize_french_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.error_list}) from error
    values = {"first_name": first_name.strip(), "last_name": last_name.strip(), "phone": normalized}
    return _record_changes(actor, user, AccountAction.PROFILE, values, now)


def update_preferences(
    actor: User, user: User, *, now: datetime | None = None, **choices: bool
) -> list[str]:
    """Switch the person's optional emails on or off (`choices`: PREFERENCE_FIELDS to
    booleans); the names of those changed, logged. PermissionDenied unless `actor` is
    `user`; ValueError for a name not in PREFERENCE_FIELDS."""
    _own(actor, user)
    unknown = set(choices) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown preferences: {sorted(unknown)}")
    values = {name: bool(value) for name, value in choices.items()}
    return _record_changes(actor, user, AccountAction.PREFERENCES, values, now)


def _own(actor: User, user: User) -> None:
    """Only the person edits their account here (staff use the admin)."""
    if actor.pk != user.pk or not actor.is_active:
        raise PermissionDenied("Vous ne pouvez modifier que votre propre compte.")


def erased_email(user: User) -> str:
    """The address an erased account keeps: unique, unreachable (the .invalid domain), and
    saying what it is wherever pages show a person by their address («compte-supprime-12@…»)."""
    return f"compte-supprime-{user.pk}@maillage.invalid"


def erase_user(user: User, now: datetime | None = None) -> None:
    """Empty the account's personal fields (names, phone, address replaced by
    erased_email), make it unable to log in and stop every optional email, logged as
    ERASED by the person. The row stays: bookings, registrations and statements still
    count it, naming no one. The caller (web.account_erasure) first deals with what other
    apps hold, in the same transaction."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.email = erased_email(locked)
        locked.first_name = locked.last_name = locked.phone = ""
        locked.is_active = False
        locked.email_verified_at = None
        for name in PREFERENCE_FIELDS:
            setattr(locked, name, False)
        locked.set_unusable_password()
        locked.save()
        AccountLog.objects.create(
            user=locked, actor=locked, action=AccountAction.ERASED, at=now or timezone.now()
        )
    user.refresh_from_db()
