"""Model-specific behaviour; importing this package registers it with the dispatcher."""

from . import common, mail, purchase, stock, stock_quant, wizards  # noqa: F401
