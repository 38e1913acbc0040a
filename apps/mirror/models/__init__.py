from apps.mirror.models.orders import PurchaseOrder, SaleOrder
from apps.mirror.models.partners import Carrier, Partner, Product
from apps.mirror.models.stock import Location, Move, Orderpoint, Picking, PickingType, Quant, Warehouse
from apps.mirror.models.sync import InboundEvent, SyncRun, SyncState

__all__ = [
    "Carrier",
    "InboundEvent",
    "Location",
    "Move",
    "Orderpoint",
    "Partner",
    "Picking",
    "PickingType",
    "Product",
    "PurchaseOrder",
    "Quant",
    "SaleOrder",
    "SyncRun",
    "SyncState",
    "Warehouse",
]
