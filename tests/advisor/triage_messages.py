"""Hand-written supplier and carrier messages with what a person reading them would extract.

`today` for all of them is Thursday 3 December 2026. `quantity` on a short shipment is what is missing.
"""

from datetime import date

TODAY = date(2026, 12, 3)

MESSAGES: list[dict] = [
    {
        "text": "Hello, due to a truck breakdown the delivery for PO P00012 will be delayed. New ETA 10 Dec 2026.",
        "kind": "delay", "reference": "P00012", "new_date": "2026-12-10",
    },
    {
        "text": "Receipt WH/IN/00007 is running behind schedule, we will now arrive on 12/12/2026 at 14:30.",
        "kind": "delay", "reference": "WH/IN/00007", "new_date": "2026-12-12", "new_time": "14:30",
    },
    {
        "text": "Our shipment against order PO00031 was postponed. It will be delivered next Tuesday instead of 4 Dec.",
        "kind": "delay", "reference": "PO00031", "new_date": "2026-12-08",
    },
    {
        "text": "Carrier update: BRU/IN/00120 originally due 2026-12-03 has been rescheduled to 2026-12-07.",
        "kind": "delay", "reference": "BRU/IN/00120", "new_date": "2026-12-07",
    },
    {
        "text": "Sorry, the pallets for S00042 are held up at customs. We expect to deliver tomorrow.",
        "kind": "delay", "reference": "S00042", "new_date": "2026-12-04",
    },
    {
        "text": "Delivery of P00019 is late; new delivery date January 5th.",
        "kind": "delay", "reference": "P00019", "new_date": "2027-01-05",
    },
    {
        "text": "Please note WH/OUT/00019 pickup moved to 15.12.2026 because of the storm.",
        "kind": "delay", "reference": "WH/OUT/00019", "new_date": "2026-12-15",
    },
    {
        "text": "The order P00021 will not arrive this week, we will ship in 2 weeks.",
        "kind": "delay", "reference": "P00021", "new_date": "2026-12-17",
    },
    {
        "text": "Driver reports 3 cartons of [FURN_7777] Office Chair were crushed during loading for WH/IN/00003.",
        "kind": "damage", "reference": "WH/IN/00003", "quantity": 3, "product": "FURN_7777",
    },
    {
        "text": "P00005: 2 pallets arrived wet and damaged, please inspect before put-away.",
        "kind": "damage", "reference": "P00005", "quantity": 2,
    },
    {
        "text": "We regret that 4 units of Pedal Bin in shipment WH/IN/00011 are broken (dented lids).",
        "kind": "damage", "reference": "WH/IN/00011", "quantity": 4, "product": "Pedal Bin",
    },
    {
        "text": "Shipment for P00008 is short: we could only load 40 of 50 Office Chairs, the rest is backordered.",
        "kind": "short_shipment", "reference": "P00008", "quantity": 10, "product": "Office Chairs",
    },
    {
        "text": "WH/IN/00014 short shipped - 6 units of [FURN_8888] missing, will follow with the next truck.",
        "kind": "short_shipment", "reference": "WH/IN/00014", "quantity": 6, "product": "FURN_8888",
    },
    {
        "text": "Partial delivery on S00017, 12 boxes of Corner Desk Right Sit are out of stock at our depot.",
        "kind": "short_shipment", "reference": "S00017", "quantity": 12, "product": "Corner Desk Right Sit",
    },
    {
        "text": "Hi team, please find attached the updated price list for 2027. Kind regards, Anna.",
        "kind": "other", "reference": "",
    },
    {
        "text": "Invoice for P00030 has been sent to your accounts department.",
        "kind": "other", "reference": "P00030",
    },
    {
        "text": "Die Lieferung für P00012 verspätet sich bis zum 10.12.2026, wir bitten um Entschuldigung.",
        "kind": "other", "reference": "P00012", "language": "other",
    },
    {
        "text": "Bonjour, la livraison de la commande P00013 est reportée à la semaine prochaine. Nous sommes désolés.",
        "kind": "other", "reference": "P00013", "language": "other",
    },
]  # fmt: skip
