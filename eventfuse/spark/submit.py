"""The file to hand `spark-submit` (it runs its application as a script, so no relative imports here).

Hands its arguments to ``eventfuse.spark.job.main``: spark-submit [spark options] submit.py INPUT... --out DIR
"""

import sys

from eventfuse.spark.job import main

if __name__ == "__main__":
    sys.exit(main())
