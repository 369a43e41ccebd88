"""Printing: receipt rendering to ESC/POS bytes, and submit-to-first-byte at a loopback printer.

Targets (issue "Store hardware"): a 50-line Chinese receipt with QR and barcode
renders in <= 5 ms median; from submit (sale committed) to the first byte at a
network printer on loopback <= 50 ms.
"""

from __future__ import annotations

import socket
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import report
from printers import receipt_data as r
from printers import templates, text_render
from printers.connectors import ConnectorSettings, connection_factory
from printers.escpos_render import _qr_matrix, render
from tools.fake_network_printer import FakeNetworkPrinter
from printers.profile import PrinterProfile
from printers.queue import PrintQueue


def chinese_sale(lines: int = 50) -> r.SaleReceipt:
    header = r.Header("华联超市 徐汇店", "S001", "T01", "王小明 (1001)", datetime(2026, 3, 14, 2, 30, tzinfo=UTC))
    names = ["可口可乐 330ml 罐装", "农夫山泉 550ml", "五常大米 5kg 东北特产", "蒙牛纯牛奶 250ml×12", "红富士苹果"]
    sale_lines = tuple(r.SaleLine(f"{names[i % 5]} {i}", 1 + i % 3, 350 + i, (350 + i) * (1 + i % 3),
                                  (r.Discount("会员价", 10),) if i % 7 == 0 else ())
                       for i in range(lines))
    total = sum(line.amount_fen for line in sale_lines)
    return r.SaleReceipt(header, "S001-T01-000123", "uuid", sale_lines, total, 0, total,
                         (r.Tender("cash", "现金 Cash", total + 100),), change_fen=100,
                         member=r.Member("138****5678", 12, 0, 2048),
                         e_receipt_url="https://r.example.cn/e/7d1c6f1e", footer="谢谢惠顾")


def _time(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _row(name: str, samples: list[float], baseline: float) -> list[str]:
    med = report.median(samples)
    return [name, f"{med:.3f}", f"{report.percentile(samples, 95):.3f}", f"{report.percentile(samples, 99):.3f}",
            f"{med / baseline:.1f}x" if baseline else "-"]


def bench_render(runs: int) -> str:
    sale = chinese_sale(50)
    doc = templates.sale_receipt(sale)
    native = PrinterProfile("TM-T88V", 80, "gb18030")
    image_qr = PrinterProfile("POS-5890", 58, "gb18030")
    plain = text_render.render(doc, 48)
    for _ in range(5):  # warm caches (profiles, codecs)
        render(doc, native), render(doc, image_qr)
    base = _time(lambda: plain.encode("gbk", errors="replace"), runs)
    rows = [_row("bare: encode the plain text to GBK", base, 0)]
    b = report.median(base)
    rows.append(_row("build document (template)", _time(lambda: templates.sale_receipt(sale), runs), b))
    rows.append(_row("ESC/POS 80 mm, native QR + barcode", _time(lambda: render(doc, native), runs), b))
    def uncached_image_path() -> bytes:
        _qr_matrix.cache_clear()  # a new receipt has a new QR payload
        return render(doc, image_qr)

    rows.append(_row("ESC/POS 58 mm, QR + barcode as images", _time(uncached_image_path, runs // 4), b))
    rows.append(_row("same, QR matrix cached (preview then print)", _time(lambda: render(doc, image_qr), runs // 4), b))
    rows.append(_row("template + ESC/POS 80 mm", _time(lambda: render(templates.sale_receipt(sale), native), runs), b))
    return report.table(["case (50-line Chinese receipt)", "median ms", "p95 ms", "p99 ms", "vs bare"], rows)


def bench_first_byte(runs: int) -> str:
    from store_client import config as cfg
    from store_client.bootstrap import open_terminal
    from store_client.clock import SystemClock

    doc = templates.sale_receipt(chinese_sale(20))
    profile = PrinterProfile("TM-T88V", 80, "gb18030")
    with tempfile.TemporaryDirectory() as tmp, FakeNetworkPrinter(lifetime=120) as fake:
        config = cfg.from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"}, "data": {"dir": tmp}},
                                  Path(tmp) / "config.toml")
        term = open_terminal(config, clock=SystemClock())
        try:
            settings = ConnectorSettings("network", "TM-T88V", "127.0.0.1", fake.port)
            queue = PrintQueue(term.db, connection_factory(settings), term.clock, profile=profile)
            queue.start()
            submit_doc, submit_bytes, bare = [], [], []
            payload = render(doc, profile)
            for i in range(runs):
                for target, content in ((submit_doc, doc), (submit_bytes, payload)):
                    seen = len(fake.first_byte_at)
                    start = time.perf_counter()
                    queue.submit("sale", content)
                    deadline = time.monotonic() + 5
                    while len(fake.first_byte_at) <= seen and time.monotonic() < deadline:
                        time.sleep(0.0002)
                    target.append((fake.first_byte_at[seen] - start) * 1000)
                queue.wait_idle(5)
                seen = len(fake.first_byte_at)
                start = time.perf_counter()
                with socket.create_connection(("127.0.0.1", fake.port)) as sock:
                    sock.sendall(b"\x1b@")
                    while len(fake.first_byte_at) <= seen:
                        time.sleep(0.0002)
                bare.append((fake.first_byte_at[seen] - start) * 1000)
            queue.stop()
        finally:
            term.close()
    b = report.median(bare)
    rows = [_row("bare: connect + send on loopback", bare, 0),
            _row("submit(Document): render + store + worker + status + send", submit_doc, b),
            _row("submit(bytes): store + worker + status + send", submit_bytes, b)]
    return report.table(["case (20-line receipt)", "median ms", "p95 ms", "p99 ms", "vs bare"], rows)


def run(args) -> None:
    quick = getattr(args, "quick", False)
    render_table = bench_render(40 if quick else 400)
    first_byte_table = bench_first_byte(5 if quick else 40)
    body = (f"### Render to ESC/POS bytes (target <= 5 ms median)\n\n{render_table}\n\n"
            f"### Submit to first byte at a loopback network printer (target <= 50 ms)\n\n{first_byte_table}\n\n"
            "The first-byte path includes the SQLite commit (WAL, synchronous=FULL), the worker "
            "wake-up, a fresh TCP connection and the DLE EOT status round-trip before the job.")
    print(body)
    report.write_section("printing", "Printing (printers/)", body)
