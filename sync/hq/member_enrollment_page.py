"""The mobile enrollment page a till's QR opens, and the terminals' side of enrollment.

One server-rendered page, Chinese first with an English switch, no external resources
(inline CSS, a few lines of inline script that only stop a double tap): it works on any
phone browser, offline from the rest of the internet. Every value written into the page is
escaped. The form posts back to itself; without JavaScript it still works.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import MemberError
from sync.hq.service import AuthError
from sync.protocol.signing import SignatureError

MAX_FORM = 8 * 1024

TEXT: dict[str, dict[str, str]] = {
    "zh_CN": {
        "title": "加入会员", "lead": "在本店消费即可积分，线上线下通用：每消费 1 元积 1 分。",
        "phone": "手机号", "code": "验证码", "send": "获取验证码", "name": "称呼（选填）",
        "terms": "我已阅读并同意《会员条款》和《隐私政策》（必选）",
        "marketing": "接收优惠和活动消息（可选，随时可退订）",
        "personalization": "允许根据我的线上浏览为我推荐商品，店员可在服务时查看（可选，随时可撤回）",
        "join": "加入会员", "privacy_title": "隐私说明",
        "privacy": "我们收集您的手机号（用于识别会员和发送验证码）和您选填的称呼。"
                   "各项同意相互独立，可随时在门店或小程序中撤回。浏览记录仅在您同意个性化推荐后，"
                   "在您到店时供店员查看，不会留存在收银机上。数据存储于中国境内。",
        "code_sent": "验证码已发送至 {phone}，5 分钟内有效。", "demo_code": "演示环境：短信内容为验证码 {code}",
        "done_title": "欢迎加入！", "done_new": "会员号 {member}，手机 {phone}。本次消费将为您积分。",
        "done_linked": "该手机号已是会员（{member}），已为您关联。本次消费将为您积分。",
        "switch": "English",
        "member.bad_phone": "请输入 11 位手机号。", "member.code_too_soon": "验证码已发送，请 1 分钟后再试。",
        "member.code_missing": "请先获取验证码。", "member.code_expired": "验证码已过期，请重新获取。",
        "member.code_locked": "错误次数过多，请重新获取验证码。", "member.code_wrong": "验证码不正确。",
        "member.terms_required": "请阅读并同意会员条款。", "member.busy": "系统繁忙，请稍后再试。",
        "link.malformed": "二维码无效，请重新扫描收银台上的二维码。",
        "link.forged": "二维码无法验证，请重新扫描收银台上的二维码。",
        "link.expired": "二维码已过期，请请店员刷新后重新扫描。",
        "link.used": "此二维码已被使用，请请店员刷新后重新扫描。",
        "link.retry": "请再提交一次。", "error_title": "无法加入",
    },
    "en": {
        "title": "Join as a member", "lead": "Earn points here and online alike: 1 point for every 1 CNY you spend.",
        "phone": "Mobile number", "code": "Verification code", "send": "Get code", "name": "Name (optional)",
        "terms": "I have read and accept the membership terms and the privacy policy (required)",
        "marketing": "Send me offers and event news (optional, unsubscribe any time)",
        "personalization": "Recommend products from my online browsing; staff may see it while serving me "
                           "(optional, withdraw any time)",
        "join": "Join", "privacy_title": "Privacy",
        "privacy": "We collect your mobile number (to recognise you and send codes) and the name you choose to "
                   "give. Each consent is separate and can be withdrawn in store or in the app. Browsing is shown "
                   "to staff only with your consent to personalised recommendations, only while you are in the "
                   "store, and is never kept on the till. Data is stored in China.",
        "code_sent": "A code was sent to {phone}; it is valid for 5 minutes.",
        "demo_code": "Demo: the text message says {code}",
        "done_title": "Welcome!", "done_new": "Member {member}, phone {phone}. This purchase earns points.",
        "done_linked": "This phone is already a member ({member}); we linked it. This purchase earns points.",
        "switch": "中文",
        "member.bad_phone": "Enter an 11-digit mobile number.", "member.code_too_soon": "A code was just sent; try "
        "again in a minute.", "member.code_missing": "Get a code first.",
        "member.code_expired": "The code has expired; get a new one.",
        "member.code_locked": "Too many wrong codes; get a new one.", "member.code_wrong": "The code is not right.",
        "member.terms_required": "Please accept the membership terms.", "member.busy": "Busy; try again shortly.",
        "link.malformed": "This QR code is not valid; scan the one at the counter again.",
        "link.forged": "This QR code cannot be verified; scan the one at the counter again.",
        "link.expired": "This QR code has expired; ask the associate to refresh it.",
        "link.used": "This QR code was used already; ask the associate to refresh it.",
        "link.retry": "Please submit again.", "error_title": "Cannot join",
    },
}

STYLE = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",
"Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2129}main{max-width:480px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0}p{margin:8px 0}label{display:block;margin:12px 0 4px;font-weight:600}
input[type=tel],input[type=text]{width:100%;font-size:18px;padding:10px;border:1px solid #8a919f;border-radius:8px}
.row{display:flex;gap:8px}.row input{flex:1}button{font-size:17px;padding:10px 14px;border-radius:8px;
border:0;background:#0b57d0;color:#fff;min-height:44px}button.secondary{background:#fff;color:#0b57d0;
border:1px solid #0b57d0}.check{display:flex;gap:8px;align-items:flex-start;font-weight:400}
.check input{width:22px;height:22px;margin-top:2px;flex:none}.note{background:#fff;border-radius:8px;
padding:10px;font-size:14px;color:#3c4043}.error{background:#fde7e9;color:#8c1d18;border-radius:8px;padding:10px}
.ok{background:#e6f4ea;color:#0d5323;border-radius:8px;padding:10px}.lang{float:right;font-size:14px}
#join{width:100%;margin-top:16px}
"""

SCRIPT = ("document.addEventListener('submit',function(e){var b=e.submitter;if(b&&b.dataset.once){"
          "if(b.dataset.sent){e.preventDefault();return}b.dataset.sent='1'}});")


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "zh_CN"


def _page(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width,initial-scale=1">'
           f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body><main>{body}</main>"
           f"<script>{SCRIPT}</script></body></html>")
    return HTMLResponse(doc, status_code=status, headers={
        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "script-src 'unsafe-inline'; form-action 'self'"})


def _error_page(lang: str, code: str, token: str = "") -> HTMLResponse:
    t = TEXT[lang]
    status = 410 if code in {"link.expired", "link.used"} else 400
    return _page(lang, t["error_title"], f'<h1>{html.escape(t["error_title"])}</h1>'
                 f'<p class="error" id="error">{html.escape(t.get(code, t["link.malformed"]))}</p>', status)


def _form(lang: str, token: str, *, phone: str = "", name: str = "", notice: str = "", error: str = "",
          checks: dict[str, bool] | None = None) -> HTMLResponse:
    t = TEXT[lang]
    checks = checks or {}
    other = "en" if lang == "zh_CN" else "zh_CN"
    esc = html.escape
    switch = f'<a class="lang" id="lang" href="/enroll?{urlencode({"t": token, "lang": other})}">{esc(t["switch"])}</a>'

    def box(key: str) -> str:
        on = " checked" if checks.get(key) else ""
        return (f'<label class="check"><input type="checkbox" id="{key}" name="{key}" value="1"{on}>'
                f"<span>{esc(t[key])}</span></label>")

    body = (f'{switch}<h1>{esc(t["title"])}</h1><p>{esc(t["lead"])}</p>'
            + (f'<p class="error" id="error" role="alert">{esc(error)}</p>' if error else "")
            + (f'<p class="ok" id="notice" role="status">{esc(notice)}</p>' if notice else "")
            + f'<form method="post" action="/enroll" autocomplete="on">'
            f'<input type="hidden" name="t" value="{esc(token)}"><input type="hidden" name="lang" value="{lang}">'
            f'<label for="phone">{esc(t["phone"])}</label><div class="row">'
            f'<input type="tel" id="phone" name="phone" inputmode="numeric" maxlength="11" value="{esc(phone)}">'
            f'<button class="secondary" id="send" name="action" value="send">{esc(t["send"])}</button></div>'
            f'<label for="code">{esc(t["code"])}</label>'
            f'<input type="text" id="code" name="code" inputmode="numeric" maxlength="6" autocomplete="one-time-code">'
            f'<label for="name">{esc(t["name"])}</label>'
            f'<input type="text" id="name" name="name" maxlength="40" value="{esc(name)}">'
            f'{box("terms")}{box("marketing")}{box("personalization")}'
            f'<button id="join" name="action" value="join" data-once="1">{esc(t["join"])}</button></form>'
            f'<h2>{esc(t["privacy_title"])}</h2><p class="note" id="privacy">{esc(t["privacy"])}</p>')
    return _page(lang, t["title"], body)


def member_enrollment_routes(enroll: MemberEnrollmentService, who: Callable[[Request], Any], *,
                      show_codes: bool = False) -> list[Route]:
    """The page's routes and the terminals' two calls. ``show_codes`` (demo HQ only) prints
    on the page the code HQ would have sent by SMS."""

    def get_page(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        token = request.query_params.get("t", "")
        try:
            enroll.check_link(token)
        except MemberError as exc:
            return _error_page(lang, exc.code)
        return _form(lang, token)

    async def post_page(request: Request) -> Response:
        try:
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_FORM:
                    return _error_page("zh_CN", "link.malformed")
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), max_num_fields=20).items()}
        except (UnicodeDecodeError, ValueError):
            return _error_page("zh_CN", "link.malformed")
        lang = _lang(form.get("lang"))
        token, phone = form.get("t", ""), form.get("phone", "").strip()
        checks = {k: form.get(k) == "1" for k in ("terms", "marketing", "personalization")}
        t = TEXT[lang]
        try:
            enroll.check_link(token)
        except MemberError as exc:
            return _error_page(lang, exc.code)
        if form.get("action") == "send":
            try:
                code = await run_in_threadpool(enroll.members.send_code, phone, lang=lang)
            except MemberError as exc:
                return _form(lang, token, phone=phone, name=form.get("name", ""), checks=checks,
                             error=t.get(exc.code, exc.code))
            notice = t["code_sent"].format(phone=phone[:3] + "****" + phone[-4:])
            if show_codes:
                notice += " " + t["demo_code"].format(code=code)
            return _form(lang, token, phone=phone, name=form.get("name", ""), checks=checks, notice=notice)
        try:
            done = await run_in_threadpool(lambda: enroll.complete(
                token, phone=phone, code=form.get("code", ""), name=form.get("name"), terms=checks["terms"],
                marketing=checks["marketing"], personalization=checks["personalization"]))
        except MemberError as exc:
            if exc.code.startswith("link.") and exc.code != "link.retry":
                return _error_page(lang, exc.code)
            return _form(lang, token, phone=phone, name=form.get("name", ""), checks=checks,
                         error=t.get(exc.code, exc.code))
        text = t["done_linked" if done.linked_existing else "done_new"].format(
            member=done.member_id, phone=done.masked_phone)
        return _page(lang, t["done_title"], f'<h1>{html.escape(t["done_title"])}</h1>'
                     f'<p class="ok" id="done" role="status">{html.escape(text)}</p>')

    async def put_key(request: Request) -> Response:
        try:
            terminal = who(request)
            data = json.loads(await request.body())
            kid, public = data["kid"], data["public_key"]
            if not isinstance(kid, str) or not isinstance(public, str):
                raise ValueError
            await run_in_threadpool(enroll.register_key, terminal.store_id, terminal.terminal_id, kid, public)
        except MemberError as exc:
            return JSONResponse({"error": exc.code, "message": str(exc)}, status_code=409)
        except AuthError as exc:
            return JSONResponse({"error": "unauthorized", "message": str(exc)}, status_code=401)
        except (ValueError, KeyError, TypeError, SignatureError, RecursionError):
            return JSONResponse({"error": "bad_request", "message": "kid and public_key"}, status_code=400)
        return JSONResponse({"kid": kid})

    def get_status(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return JSONResponse({"error": "unauthorized", "message": str(exc)}, status_code=401)
        nonce = request.path_params["nonce"]
        if not 8 <= len(nonce) <= 40:
            return JSONResponse({"error": "bad_request", "message": "bad nonce"}, status_code=400)
        return JSONResponse(enroll.status_for_terminal(terminal.store_id, nonce))

    return [
        Route("/enroll", get_page, methods=["GET"]),
        Route("/enroll", post_page, methods=["POST"]),
        Route("/v1/terminal/signing-key", put_key, methods=["PUT"]),
        Route("/v1/enrollments/{nonce}", get_status, methods=["GET"]),
    ]
