"""Transports: how the gateway speaks to Odoo (JSON-RPC via odoorpc, or Odoo 19's JSON-2)."""

from __future__ import annotations

from ..config import OdooConfig
from .base import ServerVersion, Transport, version_info
from .json2 import Json2Transport
from .jsonrpc import JsonRpcTransport

JSON2_MIN_MAJOR = 19

__all__ = ["Json2Transport", "JsonRpcTransport", "ServerVersion", "Transport", "build_transport", "choose_transport"]


def choose_transport(config: OdooConfig, server_version: ServerVersion | None) -> str:
    """``jsonrpc`` or ``json2``: the configured one, or with ``auto`` by the server's version.

    ``auto`` picks JSON-2 on Odoo 19+ when an API key is set (JSON-2 accepts nothing else),
    and JSON-RPC otherwise.
    """
    if config.transport != "auto":
        return config.transport
    if server_version and server_version.major >= JSON2_MIN_MAJOR and config.api_key:
        return "json2"
    return "jsonrpc"


def build_transport(config: OdooConfig) -> Transport:
    """Build the transport for ``config``; with ``auto`` this asks the server for its version.

    Raises a typed :class:`~apps.odoo.errors.OdooError` when the server cannot be reached.
    """
    server_version = version_info(config.base_url, config.timeout_s) if config.transport == "auto" else None
    name = choose_transport(config, server_version)
    if name == "json2":
        return Json2Transport(config, server_version=server_version)
    return JsonRpcTransport(config, server_version=server_version)
