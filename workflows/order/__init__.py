"""The order workflow (workflow.py) composed of its stage objects over one ``OrderRun``."""

from workflows.order.workflow import OrderWorkflow

__all__ = ["OrderWorkflow"]
