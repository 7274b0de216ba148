"""The fixed split of each labelled evaluation set into a tuning part and a test part.

Items are split by group, never one by one, so that near-identical items (an SCF control family such as AAT, the
passages of one FINOS document) stay on one side: SCF controls by family (the id before the dash), FINOS
documents and FINOS passages by document (a document's passages go with it). The rule looks only at group names
and sizes, never at results: groups are taken in the order of the SHA-256 of their name, and each goes to the part
holding fewer items so far (the test part on a tie). Tune on the tuning part; quote the test part.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

TEST, TUNE = "test", "tune"
PARTS = (TEST, TUNE)


def scf_family(control_id: str) -> str:
    """An SCF control's family: the id before the dash (`AAT-10.1` -> `AAT`)."""
    return control_id.split("-", 1)[0]


def finos_document(item_name: str) -> str:
    """A FINOS item's document: the file name, before `:line` for a passage."""
    return item_name.split(":", 1)[0]


def split_groups(groups: Iterable[str]) -> dict[str, str]:
    """Each group's part, balancing item counts (one entry of `groups` per item)."""
    sizes = Counter(groups)
    held = dict.fromkeys(PARTS, 0)
    part_of: dict[str, str] = {}
    for group in sorted(sizes, key=lambda name: hashlib.sha256(name.encode("utf-8")).hexdigest()):
        part = TEST if held[TEST] <= held[TUNE] else TUNE
        part_of[group] = part
        held[part] += sizes[group]
    return part_of
