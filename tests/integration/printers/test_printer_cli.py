"""``store-client printer list|test`` against a fake network printer."""

from __future__ import annotations

from tools.fake_network_printer import FakeNetworkPrinter
from store_client import cli
from store_client import config as cfg


def write_config(tmp_path, **printer) -> str:
    values = {"store.store_id": "S001", "store.terminal_id": "T01", "store.name": "测试店",
              "data.dir": str(tmp_path / "data")}
    values.update({f"printer.{k}": v for k, v in printer.items()})
    path = tmp_path / "config.toml"
    path.write_text(cfg.render(values), encoding="utf-8")
    return str(path)


def test_printer_test_prints_the_test_page(tmp_path, capsys):
    with FakeNetworkPrinter() as fake:
        path = write_config(tmp_path, kind="network", host="127.0.0.1", port=fake.port, paper_mm=58,
                            profile="TM-T88V")
        assert cli.main(["--config", path, "printer", "test"]) == 0
        out = capsys.readouterr().out
        assert "status ok" in out and "Test page sent" in out
        import time
        deadline = time.monotonic() + 3
        while b"\x1dV" not in fake.received and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "打印测试页 PRINTER TEST PAGE".encode("gbk") in fake.received
        assert b"\x1dV" in fake.received  # and cut
        assert fake.confirm_queries == 1 and "32 columns at 384 dots" in out


def test_printer_test_reports_a_page_the_printer_did_not_take(tmp_path, capsys):
    with FakeNetworkPrinter(mode="stop", drop_after=512) as fake:
        path = write_config(tmp_path, kind="network", host="127.0.0.1", port=fake.port)
        started = __import__("time").monotonic()
        assert cli.main(["--config", path, "printer", "test"]) == 1
        err = capsys.readouterr().err  # the page fits the socket buffers, or the send times out
        assert "did not confirm" in err or "stopped half-way" in err
        assert __import__("time").monotonic() - started < 15


def test_printer_test_reports_an_unreachable_printer_in_one_line(tmp_path, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = write_config(tmp_path, kind="network", host="127.0.0.1", port=port)
    assert cli.main(["--config", path, "printer", "test"]) == 1
    err = capsys.readouterr().err
    assert "printer not reachable" in err and len(err.strip().splitlines()) == 1


def test_printer_test_paper_out_and_bad_settings(tmp_path, capsys):
    with FakeNetworkPrinter(mode="paper_out") as fake:
        path = write_config(tmp_path, kind="network", host="127.0.0.1", port=fake.port)
        assert cli.main(["--config", path, "printer", "test"]) == 1
        assert "paper out" in capsys.readouterr().err
        assert fake.received == b""
    path = write_config(tmp_path, kind="network", host="", profile="NoSuchModel")
    assert cli.main(["--config", path, "printer", "test"]) == 1
    assert "unknown printer profile" in capsys.readouterr().err
    path = write_config(tmp_path, kind="none")
    assert cli.main(["--config", path, "printer", "test"]) == 1
    assert "no printer configured" in capsys.readouterr().err


def test_dry_run_and_list(tmp_path, capsys):
    path = write_config(tmp_path, kind="usb", usb_vendor_id=0x04B8, usb_product_id=0x0202)
    assert cli.main(["--config", path, "printer", "test", "--dry-run"]) == 0
    assert "PRINTER TEST PAGE" in capsys.readouterr().out
    assert cli.main(["--config", path, "printer", "list"]) == 0
    out = capsys.readouterr().out
    assert "Configured printer: usb USB 04b8:0202 profile TM-T88V, 80 mm" in out
    try:
        import usb  # noqa: F401
    except ImportError:
        assert "pip install pyusb" in out
