"""`python -m aimsgraph.vocabulary > aimsgraph/vocabulary/_aims.py` regenerates the closed namespace."""

from aimsgraph.vocabulary.generate import render_namespace_module

print(render_namespace_module(), end="")
