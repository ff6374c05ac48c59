"""Sub-populations inside classes: find the ones a model fails, and balance them.

- :func:`subclass_report`: discover the sub-classes of every class (a
  mixture model per class; optionally error-aware) or take known groups,
  and report each one's support, recall and precision, the worst
  sub-class and the sub-class gap.
- :class:`SubclassBalancer`: a sampler that balances the (class, sub-class)
  cells before a model is fitted.
"""

from skclassgap.subclass._balancer import SubclassBalancer
from skclassgap.subclass._report import SubclassReport, subclass_report

__all__ = ["SubclassBalancer", "SubclassReport", "subclass_report"]
