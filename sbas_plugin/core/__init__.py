"""The pure core: everything the plugin, Processing and the `sbas` command do, with no qgis or Qt import
(tests/unit/test_core_is_pure.py). The packages are the pipeline's stages, in order:

- online/   from an area to products on disk: scene search, the SBAS pair network, HyP3 jobs, downloads
- stack/    from products to MintPy's results: ingest, clip onto one grid, MintPy, per-date GeoTIFFs
- results/  reading MintPy's files and the GeoTIFFs at points: pixel-centre points, values, quality
- reports/  what people read: graphs, fits, coherence, validation against levelling or GNSS, the report
- simulate/ synthetic HyP3 stacks with known truth, the demo and the scorer

Shared by the stages, here: the work folder's layout and lock (workfolder), the manifest, shared names
and dates, files written whole, grids and CRSs, the area, cancel checks, and `pipeline`, which runs
stack and results in one resumable `sbas run`."""
