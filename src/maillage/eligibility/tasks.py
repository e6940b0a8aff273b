"""Eligibility's periodic tasks (enqueued by the scheduler: see EligibilityConfig.ready)."""

from django_tasks import task

from maillage.eligibility import services


@task()
def send_expiry_notices() -> int:
    """Queue the notices of statuses ending within a month; how many."""
    return services.queue_expiry_notices()


@task()
def purge_expired_statuses() -> dict[str, int]:
    """Delete statuses ended longer than MAILLAGE_STATUS_RETENTION_DAYS ago, and proofs no
    status names; how many of each."""
    return {
        "statuses": services.purge_expired(),
        "proof_files": services.sweep_orphan_proofs(),
    }
