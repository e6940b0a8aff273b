"""Every trigger a migration makes on SQLite is still there once all migrations ran.

SQLite remakes a table for many schema changes (a new CHECK, a changed column) and drops its
triggers with it: a later migration that remakes a table must make them again (as
programmes' 0008 and 0010 do). Whatever migration does it next is caught here: the triggers
named in any migration's `CREATE["sqlite"]` are compared with the database's."""

import importlib
import pkgutil
import re

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

TRIGGER_NAME = re.compile(r"CREATE TRIGGER (?:IF NOT EXISTS )?(\w+)", re.IGNORECASE)


def triggers_made_by_migrations() -> dict[str, str]:
    """Trigger name → the migration that makes it, over every app of the project."""
    made: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("maillage."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            create = getattr(module, "CREATE", None)
            if not isinstance(create, dict):
                continue
            for sql in create.get("sqlite", []):
                for name in TRIGGER_NAME.findall(sql):
                    made[name] = module.__name__
    return made


def test_the_migrations_triggers_survive_later_migrations():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite remakes tables; PostgreSQL alters them in place")
    made = triggers_made_by_migrations()
    assert made, "no migration makes a trigger: the test reads nothing"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    missing = {name: module for name, module in made.items() if name not in present}
    assert missing == {}
