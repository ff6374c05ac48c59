"""Under-sampling of Dask input: per-block draws, or a rule on whole-set lists.

:func:`dask_fit_resample` runs an under-sampler on a Dask array or DataFrame
and returns lazy Dask collections equal, row for row, to the in-memory
output for the same ``random_state``, whatever the partitioning; the rows
kept never pass through the client process. One module per stage:

1. :mod:`~._census` -- one pass over ``y``: the rows of each block and its
   label counts, kept per block; ``sampling_strategy_`` is set from the
   merged counts (``fit`` stops here).
2. The selection the sampler declares (``_dask_selection``):

   - :mod:`~._random` (:data:`DRAW`, random under-sampling): the per-class
     draws of kept positions are split among the blocks here (a few
     thousand draws for 10^8 rows) and reproduced by each block on its
     own rows; nothing is gathered.
   - :data:`WHOLE_SET` (Tomek links, edited nearest neighbours), a rule
     on each queried row's nearest rows of the whole set, found with the
     over-samplers' exact whole-set search:

     - :mod:`~._per_row` (a rule that reads each row's own list only,
       ``_row_rule``: edited nearest neighbours): each block's queried rows
       are searched against every block and the rule applied on the
       workers; nothing is gathered, only the number of rows removed per
       class and block comes back;
     - :mod:`~._cleaning` (other rules: Tomek links, which reads the lists
       of link partners): the rows of the classes the rule queries are
       gathered (within the over-samplers' gather budget), their lists found
       block by block, and the rule gives the rows to remove.

3. :mod:`~._output` -- each output block is the kept rows of one input
   block, computed on a worker; ``sample_indices_`` is a lazy Dask array
   with the output's blocks.

The samplers' public ``fit`` and ``fit_resample`` dispatch here on Dask
input; this package imports no sampler module and reads from the sampler
only what it declares. A sampler that declares no selection is refused
with a ``TypeError`` that says why and what to do. Dask itself is imported
when Dask input has arrived.
"""

from skclassgap.under_sampling._dask._driver import (
    DRAW,
    RUNS_ON_DASK,
    WHOLE_SET,
    dask_fit,
    dask_fit_resample,
)

__all__ = ["DRAW", "RUNS_ON_DASK", "WHOLE_SET", "dask_fit", "dask_fit_resample"]
