"""`python -m kpi`: see kpi.cli."""

import gc
import os
import sys

# numpy's OpenBLAS threads spin at start-up (50 ms of CPU) for linear algebra no command does; that CPU is
# better spent by the reading process, which works meanwhile
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kpi.cli import common, main  # after the setting above: numpy reads it when it loads

if __name__ == "__main__":
    common.ENDS_WITH_COMMAND = True
    status = main()
    gc.freeze()  # the process ends here: skip the final collections over every loaded module (0.15 s at exit)
    sys.exit(status)
