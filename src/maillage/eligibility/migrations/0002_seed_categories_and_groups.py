"""The categories the issue names, and the staff groups holding the eligibility rights.

Permissions are created by Django after migrating (post_migrate); the groups need them now,
so they are created here the same way (get_or_create: post_migrate then finds them)."""

from django.db import migrations

CATEGORIES = [
    # code, label, needs_proof, for_children
    ("rsa", "Bénéficiaire du RSA", True, False),
    ("handicap", "RQTH, AAH ou CMI", True, False),
    ("collegien", "Collégien·ne", True, True),
    ("independant", "Indépendant·e ou créateur·rice d'entreprise", True, False),
]
PERMISSIONS = {
    "verify_status": "Décider des statuts (vérifier, refuser)",
    "view_category": "Voir la catégorie des statuts",
    "grant_status": "Accorder un statut (prescripteur)",
}
GROUPS = {
    "Instruction des statuts": ["verify_status", "view_category"],
    "Prescripteurs": ["grant_status", "view_category"],
}


def seed(apps, schema_editor):
    Category = apps.get_model("eligibility", "Category")
    for code, label, needs_proof, for_children in CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"label": label, "needs_proof": needs_proof, "for_children": for_children},
        )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="eligibility", model="eligibilitystatus"
    )
    permissions = {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSIONS.items()
    }
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[codename] for codename in codenames))


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()
    apps.get_model("eligibility", "Category").objects.filter(
        code__in=[code for code, *_ in CATEGORIES], statuses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0001_statuses"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
