"""The community's log (CommunityLog): who published an announcement, shared or deleted a
document, added, changed or deleted a funding opportunity, and when. It starts here: what
happened before was not recorded and is not invented."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import maillage.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0002_seed_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CommunityLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('announcement_published', 'annonce publiée'), ('document_added', 'document partagé'), ('document_deleted', 'document supprimé'), ('opportunity_added', 'financement ajouté'), ('opportunity_changed', 'financement modifié'), ('opportunity_deleted', 'financement supprimé')], max_length=24, verbose_name='action')),
                ('subject_id', models.PositiveBigIntegerField(validators=[django.core.validators.MinValueValidator(1, "Le n° de l'objet doit être entre 1 et 9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f807."), django.core.validators.MaxValueValidator(9223372036854775807, "Le n° de l'objet doit être entre 1 et 9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f807.")], verbose_name="n° de l'objet")),
                ('title', models.CharField(max_length=150, validators=[maillage.core.validators.SingleLine('Le titre')], verbose_name='titre')),
                ('at', models.DateTimeField(verbose_name='le')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='fait par')),
            ],
            options={
                'verbose_name': 'action sur la communauté',
                'verbose_name_plural': 'journal de la communauté',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['action', 'subject_id'], name='community_log_subject')],
                'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['announcement_published', 'document_added', 'document_deleted', 'opportunity_added', 'opportunity_changed', 'opportunity_deleted'])), name='community_log_action_known'), models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('title'), 150), models.Q(('title__contains', '\n'), _negated=True), models.Q(('title__contains', '\r'), _negated=True)), name='community_log_title')],
            },
        ),
    ]
