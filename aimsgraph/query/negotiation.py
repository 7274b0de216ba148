"""Content negotiation: which of the media types we serve a client's Accept header prefers (RFC 9110, 12.5.1)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_QUALITY = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")  # RFC 9110 qvalue: 0 to 1, at most three decimals


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: `type/subtype` (either may be `*`) with its quality and position."""

    kind: str
    subtype: str
    quality: float
    position: int

    def specificity(self, media_type: str) -> int:
        """2 for an exact match of `media_type`, 1 for `type/*`, 0 for `*/*`, -1 when the range does not match."""
        kind, _, subtype = media_type.partition("/")
        if (self.kind, self.subtype) == (kind, subtype):
            return 2
        if self.kind == kind and self.subtype == "*":
            return 1
        return 0 if (self.kind, self.subtype) == ("*", "*") else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; an entry that is not `type/subtype` or has a malformed q is skipped."""
    ranges = []
    for position, entry in enumerate(header.split(",")):
        media, *parameters = (part.strip() for part in entry.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        quality: float | None = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = float(value.strip()) if _QUALITY.match(value.strip()) else None
        if slash and kind and subtype and quality is not None:
            ranges.append(MediaRange(kind, subtype, quality, position))
    return ranges


def quality_of(media_type: str, ranges: Sequence[MediaRange]) -> tuple[float, int]:
    """The quality the most specific matching range gives `media_type` (0 when none matches) and its position."""
    matching = [(r.specificity(media_type), r) for r in ranges if r.specificity(media_type) >= 0]
    if not matching:
        return 0.0, len(ranges)
    best = max(specificity for specificity, _ in matching)
    chosen = min((r for s, r in matching if s == best), key=lambda r: r.position)
    return chosen.quality, chosen.position


def choose_media_type(accept: str, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers: highest quality, then earliest in Accept, then our order.

    No Accept header, or one with no well-formed entry, means anything goes (our first); None when every offered
    type has quality 0 (HTTP 406).
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0] if offered else None
    scored = [(*quality_of(media, ranges), index, media) for index, media in enumerate(offered)]
    acceptable = [(-quality, position, index, media) for quality, position, index, media in scored if quality > 0]
    return min(acceptable)[3] if acceptable else None
