"""``frozen_heap()``: ``gc.freeze()`` around a KerasTuner search run inside the test process.

KerasTuner calls ``gc.collect()`` before every trial, and Keras's
``clear_session()`` calls it again; each collection walks every object the
process holds -- TensorFlow's (or JAX's) and whatever the tests before this
one left behind -- about 0.35 s a call in a fresh pytest process and more the
further into the suite a test runs (a 7-trial search spent 7 of its 12.5 s
there). Frozen objects are skipped by the collector, so the collections walk
only what the search allocates; its garbage (models, graphs, trials) is still
collected, and the heap is unfrozen afterwards.
"""

import contextlib
import gc


@contextlib.contextmanager
def frozen_heap():
    """Move every object tracked now to the collector's permanent generation until the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
