# The six actors and the unpublished year of the evaluation's access tests.
from tests.evaluation.conftest import login, world  # noqa: F401
