"""Model-specific behaviour; importing this package registers it with the dispatcher."""

from . import common, connection, mail, purchase, stock, stock_quant, wizards  # noqa: F401
