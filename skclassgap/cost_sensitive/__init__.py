"""Cost-sensitive learning.

Cost matrices become training weights and minimum-risk decisions.

- :class:`CostSensitiveClassifier` wraps any classifier: class weights derived
  from a cost matrix (or ``class_weight``) reach training by reweighting or by
  cost-proportionate rejection sampling, and predictions minimise the expected
  cost under the estimator's probabilities.
- :func:`expected_cost` and :func:`make_cost_scorer` measure that cost.
"""

from skclassgap.cost_sensitive._classifier import CostSensitiveClassifier
from skclassgap.cost_sensitive._expected_cost import expected_cost, make_cost_scorer

__all__ = ["CostSensitiveClassifier", "expected_cost", "make_cost_scorer"]
