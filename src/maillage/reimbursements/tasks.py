"""The statements' tasks (run by the task worker; the daily one enqueued by the scheduler:
see ReimbursementsConfig.ready for its time)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django_tasks import task

from maillage.accounts.models import User
from maillage.reimbursements import services


@task()
def issue_closed_months() -> list[str]:
    """Issue every month over and not issued yet, in order (services.issue_closed_months);
    the months issued, ISO dates of their first days."""
    return [month.isoformat() for month in services.issue_closed_months()]


@task()
def issue_month(month: str, actor_id: int) -> dict[str, str]:
    """Issue the month starting `month` (an ISO date) for the staff member `actor_id`, as
    asked from the statements page (services.issue_month): {"month": its ISO date}, or
    {"month": …, "refusal": why, in French} when it cannot be issued (the page shows it)."""
    actor = User.objects.get(pk=actor_id)
    try:
        services.issue_month(date.fromisoformat(month), actor)
    except services.StatementError as refused:
        return {"month": month, "refusal": refused.message}
    except PermissionDenied:
        return {"month": month, "refusal": "Seule l'équipe du Département émet les relevés."}
    return {"month": month}
