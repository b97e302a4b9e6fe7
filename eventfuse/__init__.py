"""eventfuse: news reports in, verified, structured, sourced conflict events out.

The public API is the pipeline (``eventfuse.pipeline``) and the records in ``eventfuse.model``.
"""

__version__ = "0.1.0"
