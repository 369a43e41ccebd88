"""The customer display asks the customer yes or no, and only the customer's side answers:
a tap, the pad's key (Y / N / Escape) or Enter on the focused button; once per question."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from store_client.hardware.customer_display import CustomerDisplay


def make(qtbot):  # type: ignore[no-untyped-def]
    display = CustomerDisplay(None)
    qtbot.addWidget(display)
    display.show()
    answers: list[bool] = []
    display.answered.connect(answers.append)
    return display, answers


def test_nothing_is_asked_until_asked(qtbot) -> None:  # type: ignore[no-untyped-def]
    display, answers = make(qtbot)
    assert not display.asking and not display.yes.isVisible() and not display.no.isVisible()
    QTest.keyClick(display, Qt.Key.Key_Y)  # a key with no question: nothing
    display.answer(True)
    assert answers == []


def test_y_agrees_once_and_the_question_goes(qtbot) -> None:  # type: ignore[no-untyped-def]
    display, answers = make(qtbot)
    display.ask("同意吗？")
    assert display.asking and display.question.text() == "同意吗？" and display.yes.isVisible()
    QTest.keyClick(display, Qt.Key.Key_Y)
    QTest.keyClick(display, Qt.Key.Key_Y)  # a second press answers nothing more
    assert answers == [True] and not display.asking and display.question.text() == ""
    assert not display.yes.isVisible()


def test_enter_without_moving_declines_and_escape_declines(qtbot) -> None:  # type: ignore[no-untyped-def]
    display, answers = make(qtbot)
    display.ask("同意吗？")
    QTest.keyClick(display.no, Qt.Key.Key_Return)  # the cautious button has the focus
    display.ask("同意吗？")
    QTest.keyClick(display, Qt.Key.Key_Escape)
    display.ask("同意吗？")
    QTest.keyClick(display, Qt.Key.Key_N)
    assert answers == [False, False, False]


def test_enter_on_the_yes_button_agrees_and_a_withdrawn_question_takes_no_answer(qtbot) -> None:  # type: ignore[no-untyped-def]
    display, answers = make(qtbot)
    display.ask("同意吗？")
    display.yes.setFocus()
    QTest.keyClick(display.yes, Qt.Key.Key_Return)
    display.ask("同意吗？")
    display.withdraw()  # the profile closed: the customer's late tap counts for nothing
    QTest.keyClick(display, Qt.Key.Key_Y)
    assert answers == [True]


def test_a_new_sale_on_the_display_keeps_an_open_question(qtbot) -> None:  # type: ignore[no-untyped-def]
    display, answers = make(qtbot)
    display.ask("同意吗？")
    display.clear()
    assert display.asking and display.question.text() == "同意吗？"
