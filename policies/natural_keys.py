"""What ``loaddata`` and ``dumpdata --natural-foreign`` read beside a model's natural key."""

from collections.abc import Callable
from typing import TypeVar

NaturalKey = TypeVar("NaturalKey", bound=Callable)


def loaded_after(*models: str) -> Callable[[NaturalKey], NaturalKey]:
    """Mark ``natural_key`` with the models (``"app.model"``) whose rows its key names, so the
    serializer orders them first: Django reads the function's ``dependencies`` attribute."""

    def mark(natural_key: NaturalKey) -> NaturalKey:
        natural_key.dependencies = list(models)  # type: ignore[attr-defined]
        return natural_key

    return mark
