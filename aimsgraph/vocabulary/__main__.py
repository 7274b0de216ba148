"""`python -m aimsgraph.vocabulary [aims|view] > aimsgraph/vocabulary/_<name>.py` regenerates a closed namespace."""

import sys

from aimsgraph.vocabulary.generate import VOCABULARIES, render_namespace_module

name = sys.argv[1] if len(sys.argv) > 1 else "aims"
if name not in VOCABULARIES:
    sys.exit(f"aimsgraph.vocabulary: unknown vocabulary '{name}' (one of {', '.join(VOCABULARIES)})")
print(render_namespace_module(vocabulary=VOCABULARIES[name]), end="")
