"""Request handling for every Odoo endpoint the simulator serves (transport-level logic)."""

from __future__ import annotations

import json
from email.utils import formatdate
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from . import dispatch
from .errors import AccessDenied, OdooError, PyKeyError, PyValueError, SessionExpired, Unauthorized
from .protocol import VERSION_INFO, parse_jsonrpc, rpc_error, rpc_result

if TYPE_CHECKING:
    from .simulator import Simulator

SESSION_MAX_AGE = 604800


class Reply:
    """What the HTTP layer writes back."""

    def __init__(
        self,
        status: int = 200,
        body: Any = None,
        cookies: list[str] | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json; charset=utf-8",
    ) -> None:
        self.status = status
        self.body = body
        self.cookies = cookies or []
        self.raw = raw
        self.content_type = content_type


def session_cookie(sid: str, *, now_ts: float | None = None) -> str:
    expires = formatdate((now_ts or 0) + SESSION_MAX_AGE if now_ts else None, usegmt=True)
    return f"session_id={sid}; Expires={expires}; Max-Age={SESSION_MAX_AGE}; HttpOnly; Path=/"


def cookie_sid(header: str | None) -> str | None:
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:
        return None
    morsel = jar.get("session_id")
    return morsel.value if morsel else None


def rpc_method_name(path: str, params: dict) -> str:
    """The method name faults are keyed on (object method, or service method)."""
    if path == "/jsonrpc":
        if params.get("service") == "object":
            args = params.get("args") or []
            return str(args[4]) if len(args) > 4 else "execute_kw"
        return str(params.get("method"))
    if path.startswith("/web/dataset/call_kw"):
        return str(params.get("method"))
    return path.rsplit("/", 1)[-1]


class Routes:
    """Maps (method, path) to simulator calls; no sockets here."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    # -- JSON-RPC endpoints -------------------------------------------------------------
    def jsonrpc(self, path: str, raw: bytes, cookie_header: str | None) -> tuple[Reply, str]:
        """Handle a JSON-RPC POST; also returns the method name (for fault accounting)."""
        request_id = None
        try:
            request_id, params = parse_jsonrpc(raw)
        except OdooError as exc:
            return Reply(body=rpc_error(request_id, exc)), "?"
        method_name = rpc_method_name(path, params)
        try:
            if path == "/jsonrpc":
                return Reply(body=rpc_result(request_id, self._service(params))), method_name
            if path == "/web/webclient/version_info":
                sid = cookie_sid(cookie_header) or self.sim.new_session().sid
                return Reply(
                    body=rpc_result(request_id, dict(VERSION_INFO)), cookies=[session_cookie(sid)]
                ), method_name
            if path == "/web/session/authenticate":
                return self._session_authenticate(request_id, params), method_name
            cookie = cookie_sid(cookie_header)
            session = self.sim.session(cookie)
            if path == "/web/session/destroy":
                self.sim.destroy_session(cookie)
                fresh = self.sim.new_session()
                expired = f"cids=; Expires={formatdate(usegmt=True)}; Max-Age=0; Path=/"
                return Reply(
                    body=rpc_result(request_id, None), cookies=[expired, session_cookie(fresh.sid)]
                ), method_name
            if session is None or session.uid is None:
                raise SessionExpired()
            if path == "/web/session/get_session_info":
                return Reply(
                    body=rpc_result(request_id, self.session_info(session.uid)), cookies=[session_cookie(session.sid)]
                ), method_name
            if path.startswith("/web/dataset/call_kw") or path.startswith("/web/dataset/call_button"):
                result = self.sim.execute(
                    session.uid,
                    params.get("model") or "",
                    params.get("method") or "",
                    params.get("args") or [],
                    params.get("kwargs") or {},
                )
                return Reply(body=rpc_result(request_id, result)), method_name
            return Reply(status=404, raw=b"<h1>Not Found</h1>", content_type="text/html; charset=utf-8"), method_name
        except OdooError as exc:
            return Reply(body=rpc_error(request_id, exc)), method_name

    def _service(self, params: dict) -> Any:
        service = params.get("service")
        method = params.get("method")
        args = list(params.get("args") or [])
        if service == "common":
            if method == "version":
                return dict(VERSION_INFO)
            if method in ("login", "authenticate"):
                db, login, password = [*args, None, None, None][:3]
                self.sim.check_db(db, stateless=True)
                return self.sim.authenticate(login, password) or False
            if method == "about":
                return "See http://openerp.com"
            raise PyKeyError(f"exp_{method}")
        if service == "db":
            if method == "list":
                return [self.sim.database]
            if method == "server_version":
                return VERSION_INFO["server_version"]
            if method == "db_exist":
                return bool(args) and args[0] == self.sim.database
            raise PyKeyError(f"exp_{method}")
        if service == "object":
            if method == "execute_kw":
                db, uid, password, model, meth, m_args, m_kwargs = dispatch.execute_kw_args(args)
            elif method == "execute":
                if len(args) < 5:
                    raise dispatch.PyIndexError("list index out of range")
                db, uid, password, model, meth = args[:5]
                m_args, m_kwargs = args[5:], {}
            else:
                raise PyKeyError(f"exp_{method}")
            self.sim.check_db(db, stateless=True)
            uid = self.sim.check_uid_password(uid, password)
            return self.sim.execute(uid, model, meth, m_args, m_kwargs)
        raise PyKeyError(str(service))

    def _session_authenticate(self, request_id: Any, params: dict) -> Reply:
        self.sim.check_db(params.get("db"))
        uid = self.sim.authenticate(params.get("login"), params.get("password"))
        if uid is None:
            raise AccessDenied()
        session = self.sim.new_session(uid, params.get("login"), params.get("db"))
        return Reply(body=rpc_result(request_id, self.session_info(uid)), cookies=[session_cookie(session.sid)])

    def session_info(self, uid: int) -> dict:
        """The session-info dict, shaped like auth/session_authenticate_ok.json."""
        with self.sim.store.snapshot():
            user = self.sim.store.get("res.users", uid) or {}
            partner = self.sim.store.get("res.partner", user.get("partner_id") or 0) or {}
            companies = self.sim.store.query('SELECT id, name FROM "res_company" ORDER BY id')
        allowed = {
            str(c["id"]): {"child_ids": [], "id": c["id"], "name": c["name"], "parent_id": False, "sequence": idx * 10}
            for idx, c in enumerate(companies)
        }
        return {
            "active_ids_limit": 20000,
            "bundle_params": {"lang": "en_US"},
            "cache_hashes": {"load_menus": "0" * 64, "translations": "0" * 40},
            "currencies": {"1": {"digits": [69, 2], "position": "before", "symbol": "$"}},
            "db": self.sim.database,
            "display_switch_company_menu": len(companies) > 1,
            "home_action_id": False,
            "iap_company_enrich": True,
            "is_admin": uid == 2,
            "is_internal_user": True,
            "is_public": False,
            "is_quick_edit_mode_enabled": False,
            "is_system": uid == 2,
            "max_file_upload_size": 134217728,
            "max_time_between_keys_in_ms": 100,
            "name": user.get("name") or "",
            "notification_type": "email",
            "odoobot_initialized": True,
            "partner_display_name": partner.get("complete_name") or partner.get("name") or "",
            "partner_id": user.get("partner_id") or False,
            "profile_collectors": None,
            "profile_params": None,
            "profile_session": None,
            "server_version": VERSION_INFO["server_version"],
            "server_version_info": list(VERSION_INFO["server_version_info"]),
            "show_effect": True,
            "support_url": "https://www.odoo.com/buy",
            "tour_disable": True,
            "uid": uid,
            "user_companies": {
                "allowed_companies": allowed,
                "current_company": companies[0]["id"] if companies else 1,
                "disallowed_ancestor_companies": {},
            },
            "user_context": {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or False, "uid": uid},
            "user_id": [uid],
            "user_settings": {
                "id": 1,
                "is_discuss_sidebar_category_channel_open": True,
                "is_discuss_sidebar_category_chat_open": True,
                "push_to_talk_key": False,
                "use_push_to_talk": False,
                "user_id": {"id": uid},
                "voice_active_duration": 200,
                "volume_settings_ids": [["ADD", []]],
            },
            "username": user.get("login") or "",
            "web.base.url": self.sim.base_url,
            "web_tours": [],
            "websocket_worker_version": "17.0-1",
        }

    # -- JSON-2 -------------------------------------------------------------------------
    def json2(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[Reply, str]:
        """Odoo 19 `/json/2/<model>/<method>`: bearer API key, named args, HTTP status errors."""
        parts = path.split("/")
        model, method = (parts[3], parts[4]) if len(parts) >= 5 else ("", "")
        context: dict = {}
        try:
            auth = headers.get("authorization", "")
            scheme, _, key = auth.partition(" ")
            uid = self.sim.uid_for_key(key.strip()) if scheme.lower() == "bearer" else None
            if uid is None:
                raise Unauthorized()
            database = headers.get("x-odoo-database")
            if database and database != self.sim.database:
                raise Unauthorized("Database not found.")
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                raise PyValueError(f"Invalid JSON data: {exc}") from None
            if not isinstance(body, dict):
                raise PyValueError("Invalid JSON data: expected an object")
            context = body.pop("context", None) or {}
            ids = body.pop("ids", None)
            result = self.sim.execute_named(uid, model, method, ids, body, context)
            return Reply(body=result), method
        except OdooError as exc:
            from .protocol import error_data

            return Reply(status=exc.http_status, body=error_data(exc, context)), method
