"""Detectors, registered on import. Add one by writing a Detector subclass named <Condition>Detector
with @register."""

from apps.cases.detectors import orders, pickings, stock, writeback  # noqa: F401  (registration)
from apps.cases.detectors.base import Detector, Evaluation, Finding, detector, detectors, kind_choices, kind_label

__all__ = ["Detector", "Evaluation", "Finding", "detector", "detectors", "kind_choices", "kind_label"]
