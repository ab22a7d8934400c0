"""Child process of the throughput benchmark: the bare spaCy pipeline over a folder of articles.

It reads the articles exactly as ``kg build`` does (:func:`kg.ingest.iter_articles`), loads
the model with the same spaCy components that newsgraph's pipeline runs, and calls
``nlp.pipe`` with the same batch size. It prints one JSON line: words, and the seconds spent
in each step (the introspection that finds newsgraph's component list is reported apart so
the caller can subtract it).
"""

from __future__ import annotations

import json
import sys
import time


def main(folder: str) -> None:
    """Run the bare pipeline over ``folder`` and print its timings as JSON."""
    start = time.perf_counter()
    import spacy

    from kg.config import Settings
    from kg.extract.nlp import make_nlp
    from kg.ingest.readers import iter_articles
    from kg.records import Article

    settings = Settings.from_env()
    intro_start = time.perf_counter()
    ours = make_nlp(settings)
    kept = set(ours.pipe_names)
    del ours
    introspection = time.perf_counter() - intro_start

    load_start = time.perf_counter()
    bare = spacy.load(settings.model)
    excluded = [name for name in bare.pipe_names if name not in kept]
    del bare
    introspection += time.perf_counter() - load_start
    load_start = time.perf_counter()
    nlp = spacy.load(settings.model, exclude=excluded)
    texts = [a.text for a in iter_articles([folder]) if isinstance(a, Article)]
    load = time.perf_counter() - load_start
    pipe_start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=settings.batch_size))
    pipe = time.perf_counter() - pipe_start
    print(json.dumps({"articles": len(texts), "words": sum(len(t.split()) for t in texts), "tokens": tokens,
                      "components": nlp.pipe_names, "excluded": excluded, "introspection_s": introspection,
                      "load_s": load, "pipe_s": pipe, "total_s": time.perf_counter() - start}))


if __name__ == "__main__":
    main(sys.argv[1])
