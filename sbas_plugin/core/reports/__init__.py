"""Reports: what people read. Before it: results/. plot (graphs of points), fit (velocity and seasonal
terms), coherence (per interferogram, baseline, season, land-cover class), validate (against levelling
or GNSS), report (one HTML/PDF with all of it). The end of the pipeline."""
