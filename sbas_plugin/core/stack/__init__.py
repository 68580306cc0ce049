"""Stack: from HyP3 products to MintPy's results. Before it: product zips or folders (online/ or the
user's own). ingest (which products, verified) -> clip (one grid on the HyP3 lattice) -> mintpy
(smallbaselineApp as a child process) -> export (per-date GeoTIFFs in the notebooks' naming).
After it: results/."""
