"""The SBAS pair network as a graph: acquisitions and the pairs that link them, and its largest linked
part. Shared by the network step (online/network.py), which builds the pairs, and the clip
(stack/clip.py), which keeps only the dates its pairs can link."""

import datetime
from dataclasses import dataclass
from typing import List, Optional, Tuple


@dataclass(frozen=True)
class Scene:
    name: str  # scene name, no "-SLC"
    date: datetime.date
    bperp: Optional[int]  # metres from the reference; None: no state vectors


def largest_network(scenes: List[Scene], pairs) -> Tuple[List[Scene], list, List[Scene]]:
    """The connected part with the most scenes (ties: the one with the latest scene), its pairs, and
    every other scene."""
    parent = {s: s for s in scenes}

    def root(s):
        while parent[s] is not s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = {}
    for s in scenes:
        groups.setdefault(root(s), []).append(s)
    if not pairs:
        return [], [], sorted(scenes, key=lambda s: s.date)
    best = max((g for g in groups.values() if len(g) > 1), key=lambda g: (len(g), max(s.date for s in g)))
    kept = set(best)
    return (
        sorted(best, key=lambda s: s.date),
        [p for p in pairs if p[0] in kept],
        sorted((s for s in scenes if s not in kept), key=lambda s: s.date),
    )
