# The shared fixtures (tests/fixtures/): every test directory may use them; none imports them.
pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.places",
    "tests.fixtures.people",
    "tests.fixtures.mail",
    "tests.fixtures.ordering",
    "tests.fixtures.eligibility",
    "tests.fixtures.clock",
    "tests.fixtures.events",
    "tests.fixtures.offices",
    "tests.fixtures.embeds",
    "tests.fixtures.statements",
]
