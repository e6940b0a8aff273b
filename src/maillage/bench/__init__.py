"""Benchmarks: development tools on top of every app, run by `maillage bench …`.

Not a Django app (no models, not in INSTALLED_APPS): a package that imports the apps it
measures (places, booking, api, demo's network patterns, the observatory's engine) and that
no app imports. The `bench` management command of the `demo` app is its only entry point.

- `cli`: the command's arguments and its dispatch (`add_arguments`, `run`);
- `coverage`: the coverage engine against PySAL spopt on real territory data;
- `booking`: the availability and booking benchmarks, each in its own bench database;
- `dataset`: the deterministic synthetic network and bookings of the availability benchmark.
"""
