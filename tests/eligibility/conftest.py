import pytest

from maillage.eligibility.models import stored_proofs


@pytest.fixture(autouse=True)
def _empty_stored_proofs():
    """The test settings' in-memory proof storage lives as long as the process: each test
    here starts with none."""
    storage = stored_proofs()
    if storage.exists("proofs"):
        for name in storage.listdir("proofs")[1]:
            storage.delete(f"proofs/{name}")
