"""`python -m kpi`: see kpi.cli."""

import gc
import sys

from kpi.cli import main

if __name__ == "__main__":
    status = main()
    gc.freeze()  # the process ends here: skip the final collections over every loaded module (0.15 s at exit)
    sys.exit(status)
