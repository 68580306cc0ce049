"""Online: from the area to product zips on disk. Before it: the area the user drew. search (ASF scenes)
-> network (SBAS pairs, credits) -> hyp3 (jobs, without paying twice) -> download (verified, resumable)
into WORK/products. After it: stack/."""
