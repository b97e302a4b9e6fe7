"""`eventfuse spark`: the pipeline as a Spark application (extraction per input file, grouping per time-window and
region cell, fusion per event), with Parquet tables between the stages; docs/scale.md describes it.
"""

# Grouping cells: articles are grouped in windows of this many days (of their events' day), each window's run
# reading the articles of the OVERLAP_DAYS before it too, so an event that crosses the border is found from both
# sides. The overlap is the widest date window within which grouping compares two events (cluster.toml: a month).
WINDOW_DAYS = 30
OVERLAP_DAYS = 31
