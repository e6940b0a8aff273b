import pytest

from maillage.eligibility.models import proof_storage


@pytest.fixture(autouse=True)
def _empty_proof_storage():
    """The test settings' in-memory proof storage lives as long as the process: each test
    here starts with none."""
    storage = proof_storage()
    if storage.exists("proofs"):
        for name in storage.listdir("proofs")[1]:
            storage.delete(f"proofs/{name}")
