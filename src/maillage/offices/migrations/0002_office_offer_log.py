"""The offers' history (OfficeOfferLog): who created, edited, published or withdrew each
offer, and when. Existing offers start their history here: what happened before was not
recorded and is not invented."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('offices', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OfficeOfferLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, choices=[('draft', 'Brouillon'), ('published', 'Publiée'), ('withdrawn', 'Retirée')], max_length=10, null=True, verbose_name='statut avant')),
                ('to_status', models.CharField(choices=[('draft', 'Brouillon'), ('published', 'Publiée'), ('withdrawn', 'Retirée')], max_length=10, verbose_name='statut après')),
                ('at', models.DateTimeField(verbose_name='le')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='fait par')),
                ('offer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='log', to='offices.officeoffer', verbose_name='offre')),
            ],
            options={
                'verbose_name': 'action sur une offre de bureaux',
                'verbose_name_plural': 'historique des offres de bureaux',
                'ordering': ['offer', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('to_status__in', ['draft', 'published', 'withdrawn'])), name='office_offer_log_to_known'), models.CheckConstraint(condition=models.Q(('from_status__isnull', True), ('from_status__in', ['draft', 'published', 'withdrawn']), _connector='OR'), name='office_offer_log_from_known')],
            },
        ),
    ]
