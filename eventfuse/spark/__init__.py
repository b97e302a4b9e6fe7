"""`eventfuse spark`: the pipeline as a Spark application (extraction per input file, grouping per time-window and
region cell, fusion per event), with Parquet tables between the stages; docs/scale.md describes it.
"""
