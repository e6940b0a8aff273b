"""The offices' periodic task (enqueued by the scheduler: see OfficesConfig.ready)."""

from django_tasks import task

from maillage.offices import services


@task()
def purge_requests() -> dict[str, int]:
    """Delete the requests never confirmed, erase the personal data of the old ones
    (services.purge); how many of each."""
    return services.purge()
