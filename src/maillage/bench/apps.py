from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' app: only the `bench` command, on top of every other app."""

    name = "maillage.bench"
    verbose_name = "Bancs d'essai"
