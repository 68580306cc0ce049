"""Simulate: HyP3-like product stacks with known ground truth, for tests, the demo and accuracy figures.
synthetic (the easy, fast stack of `sbas demo`), realistic (atmosphere, DEM error, ramps, coherence-driven
noise, unwrapping errors, moving swaths: `sbas simulate`), demo (the whole pipeline on either, scored),
scoring (a run or a hand-run MintPy folder against the truth). Feeds stack/ like real products."""
