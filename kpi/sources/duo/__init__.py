"""DUO open data: one small adapter module per publication on a shared base (`base.py`), stored by `store.py`.

The next file (VO pupils per location, MBO intake per institution) is a new module declaring its `Adapter`.
"""

from kpi.sources.duo.exams import EXAMS, duo_exam_rows, read_duo_exams

ADAPTERS = {adapter.dataset: adapter for adapter in (EXAMS,)}

__all__ = ["ADAPTERS", "EXAMS", "duo_exam_rows", "read_duo_exams"]
