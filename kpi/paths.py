"""Where the project's files live: the seeds and shipped data under `data/`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
