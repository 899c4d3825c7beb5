import pytest

from clearinghouse.tipline import credentials


@pytest.fixture(autouse=True)
def forget_checked_credentials():
    """Each test starts with no credential trusted from an earlier one (the process-wide
    memory of ``credentials.authenticate``)."""
    credentials._recent.clear()
    credentials._verified.clear()
    yield
    credentials._recent.clear()
    credentials._verified.clear()
