"""Matched terms that mean something: catalog phrases, and single words only where few requirements use them.

A suggestion's stored terms include shared words like "data" or "lead" that half the catalog contains: highlighting
them explains nothing. A word found in more than COMMON of the catalog's requirement texts is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from aimsgraph.vocabulary.catalog import Requirement

COMMON = 0.05  # share of requirements whose text uses a word, past which the word alone explains nothing
_WORD = re.compile(r"[a-z][a-z0-9-]+")


def common_words(requirements: Sequence[Requirement]) -> frozenset[str]:
    """Words used by more than COMMON of the requirements' titles, descriptions and evidence hints."""
    counts: Counter[str] = Counter()
    for r in requirements:
        text = " ".join([r.title, r.description, *r.design_evidence, *r.operating_evidence]).lower()
        counts.update(set(_WORD.findall(text)))
    limit = COMMON * max(len(requirements), 1)
    return frozenset(w for w, n in counts.items() if n > limit)


def meaningful(terms: Iterable[str], common: frozenset[str]) -> list[str]:
    """The terms worth highlighting: phrases of several words, and single words of five letters or more not in
    `common`."""
    out = []
    for term in terms:
        words = term.lower().split()
        if len(words) > 1 or (len(term) >= 5 and words and words[0] not in common):
            out.append(term)
    return out
