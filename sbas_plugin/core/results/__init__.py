"""Results: reading what MintPy and the export wrote. Before it: stack/. mintpy_files (which time series,
its grid and dates) -> points (pixel centres in an area) and gpkg (the points layer) -> extract
(Geotiff_value.csv, one file or parts a spreadsheet opens, through wide_table; and the long table) and
pixel_series (one pixel's series, for the dock) -> quality (MintPy's coherence and velocity at each
point). After it: reports/ and the users' own tools."""
