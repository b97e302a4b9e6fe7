"""`eventfuse spark`: the pipeline as a Spark application (extraction per input file, grouping per time-window and
region cell, fusion per event), with Parquet tables between the stages; docs/scale.md describes it.
"""

# Grouping cells: articles are grouped in windows of this many days (of their events' day), each window's run
# reading the articles of the OVERLAP_DAYS before it too, so an event that crosses the border is found from both
# sides. The overlap must be at least grouping's lookback ([index] lookback_days in cluster.toml): an event is a
# frame's candidate only while one of its reports is that near in time, so a window's run then holds every event
# `eventfuse run` would compare its articles with.
# A window of 90 days reads about a third again as many articles as context (31 / 90); windows of 30 read every
# article twice (on the first 300 gv articles: 12.2 s of cell time against 29.0 s, the same events). A window's
# cell is grouped in one task: at CC-NEWS scale smaller windows and --regions make more, smaller tasks.
WINDOW_DAYS = 90
OVERLAP_DAYS = 31
