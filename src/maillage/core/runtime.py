import gc


def freeze_startup_objects() -> None:
    """Keep what start-up loaded (Django, the app, its caches) out of the cyclic garbage
    collector's scans: long-lived objects are never garbage, and rescanning them on every
    full collection is what makes some requests slow (gc.freeze, as Instagram documented)."""
    gc.collect()
    gc.freeze()
