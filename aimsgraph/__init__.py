"""aimsgraph: map an organisation's evidence to ISO/IEC 42001 in an RDF knowledge graph."""

__version__ = "0.1.0"
