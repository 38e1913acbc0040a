"""The Odoo gateway: the only module of Control Tower that talks to Odoo.

Use :class:`apps.odoo.client.OdooClient` (``OdooClient.from_settings()``); catch the errors in
:mod:`apps.odoo.errors`; convert values with :mod:`apps.odoo.datetimes`.
"""
