"""The community's periodic task (enqueued by the scheduler: see CommunityConfig.ready). The
announcements' delivery task is community.announcements.deliver_announcement."""

from django_tasks import task

from maillage.community import funding


@task()
def send_funding_reminders() -> int:
    """Queue the reminders of funding deadlines now due (community.funding); how many
    emails were queued."""
    return funding.queue_reminders()
