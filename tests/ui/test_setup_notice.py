"""A till that is not set up says so on its sign-in window, in its language, with the fix."""

from __future__ import annotations

from sqlalchemy import update

from store_client.persistence.models import Product
from store_client.ui.app import _check_setup


def test_a_set_up_till_shows_no_notice_and_an_empty_one_says_what_is_missing(make_shell) -> None:
    shell = make_shell(locale="zh_CN")
    login = shell.window.login
    _check_setup(shell.window)
    shell.settle()
    assert login.setup_notice.isHidden()  # staff and products, offline by choice: nothing missing

    with shell.terminal.db.transaction() as session:
        session.execute(update(Product).values(active=False))
    _check_setup(shell.window)
    shell.qtbot.waitUntil(lambda: login.setup_notice.isVisible(), timeout=5000)
    text = login.setup_notice.text()
    assert "本收银机尚未设置完成" in text and "商品目录为空" in text and "配置中没有总部地址" in text
    assert "store-client provision --hq URL --code CODE" in text
    assert "catalogue" not in text and "not set up" not in text  # no English on a zh_CN till
    assert login.setup_notice.objectName() == "login.setupNotice"
    assert login.setup_notice.accessibleName()
