"""Over-sampling of Dask input: gather the small classes, search block by block.

:func:`dask_fit_resample` runs a sampler on a Dask array or DataFrame and
returns Dask collections equal, row for row, to the in-memory output for the
same ``random_state``, whatever the partitioning. One module per stage:

1. :mod:`~._census` -- one pass over ``y`` (and over the categorical
   columns of a mixed table): rows per block, label counts, and for
   categorical columns their levels in order of first appearance and the
   level x class counts (SMOTE-N's value difference metric). Blocks are
   counted apart and merged by label value; a NaN label is reported with its
   block. ``sampling_strategy_`` is set from the merged counts (``fit``
   stops here).
2. :mod:`~._budget` -- the rows of the classes to oversample, counted by the
   census, must fit the gather budget (:func:`gather_budget`) before any
   row of ``X`` is read.
3. :mod:`~._gather` -- one pass over ``X`` and ``y``: the rows of the classes
   to oversample, in their global order, with their global row indices;
   each block of ``X`` is validated where it is read.
4. :mod:`~._whole_set` -- for samplers that need the nearest rows of the
   whole set (``_whole_set_width()`` > 0: Borderline-SMOTE, ADASYN), one more
   pass over ``X``: the gathered rows are searched against each block with
   the exact search and the per-block lists merged by a tree reduction that
   ranks the pooled candidates exactly, so the lists are those of the
   in-memory search; the other classes are never gathered.

   The sampler's own per-class loop then runs on this small in-memory table
   (the gathered rows and their neighbours, in global order, so that ties to
   the lower index fall as in memory), with the class counts and seeds of
   the whole data; its provenance and declared per-class row attributes are
   mapped back to global row indices (:mod:`~._driver`).
5. :mod:`~._output` -- the input collections, untouched, followed by the
   synthetic rows as new blocks, computed lazily on the workers from the
   gathered rows and the provenance.

The samplers' public ``fit`` and ``fit_resample`` dispatch here on Dask
input; this package imports only the modules below them (tables, neighbour
search, interpolation, sampling strategy) and reads from the sampler only
what it declares. Dask itself is imported when Dask input has arrived.
"""

from skclassgap.over_sampling._dask._budget import BUDGET_KEY, gather_budget
from skclassgap.over_sampling._dask._driver import dask_fit, dask_fit_resample

__all__ = ["BUDGET_KEY", "dask_fit", "dask_fit_resample", "gather_budget"]
