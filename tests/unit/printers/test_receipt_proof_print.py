"""The signed receipt proof on paper: what the printer is sent reads back to a token whose
signature checks with the till's public key, on a printer with native QR (GS ( k) and on
one that prints the QR as a raster image (every module sampled back from the bits)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import receipt_samples as samples
from escpos_decoder import decode

from printers import templates
from printers.escpos_render import _qr_matrix, qr_box, render
from printers.profile import PrinterProfile
from sync.protocol.receipt_proof import MAX_PROOF_LINES, read_receipt
from sync.protocol.signing import SignatureError, public_key

NATIVE = PrinterProfile("TM-T88V", 80, "gb18030")
RASTER = {80: PrinterProfile("simple", 80, "gb18030"), 58: PrinterProfile("POS-5890", 58, "gb18030")}
KEYS = {samples.PROOF_KEY.kid: public_key(samples.PROOF_KEY.public)}
NOW = datetime(2026, 3, 15, tzinfo=UTC).timestamp()


def test_the_native_qr_reads_back_to_a_proof_the_tills_key_verifies():
    sale = samples.sale()
    out = decode(render(templates.sale_receipt(sale), NATIVE))
    token = out.qr_payloads[0]
    proof = read_receipt(token, KEYS, now=NOW)
    assert proof.receipt_no == "S001-T01-000123" and proof.store_id == "S001" and proof.full
    assert sum(line.net_fen for line in proof.lines) == sale.total_fen
    assert "退换货凭证 Return proof" in out.text


def test_an_altered_proof_does_not_verify():
    token = decode(render(templates.sale_receipt(samples.sale()), NATIVE)).qr_payloads[0]
    head, kid, claims, sig = token.split(".")
    altered = claims[:20] + ("A" if claims[20] != "A" else "B") + claims[21:]
    with pytest.raises(SignatureError):
        read_receipt(".".join((head, kid, altered, sig)), KEYS, now=NOW)


def _modules_from_raster(raster: bytes, width: int, height: int, modules: int, box: int) -> list[list[bool]]:
    """Sample the centre of every module of the QR printed as a raster image (1 bit a dot)."""
    row_bytes = width // 8

    def dark(x: int, y: int) -> bool:
        return bool(raster[y * row_bytes + x // 8] & (0x80 >> (x % 8)))

    dark_columns = [x for x in range(width) if any(dark(x, y) for y in range(height))]
    left = dark_columns[0] - 2 * box  # the quiet zone is 2 modules (qr_image's border)
    return [[dark(left + c * box + box // 2, r * box + box // 2) for c in range(modules)] for r in range(modules)]


@pytest.mark.parametrize("paper", [80, 58])
def test_the_raster_qr_holds_every_module_of_the_proof_at_whole_dots(paper):
    sale = samples.sale()
    profile = RASTER[paper]
    out = decode(render(templates.sale_receipt(sale), profile))
    matrix = [list(row) for row in _qr_matrix(sale.return_proof)]
    box = qr_box(sale.return_proof, 4, profile.dots)
    assert box >= 2  # at least two dots per module: a scanner reads it from paper
    (width, height), raster = out.images[1], out.rasters[1]  # [0]: the receipt number's barcode
    assert height == len(matrix) * box
    assert _modules_from_raster(raster, width, height, len(matrix), box) == matrix
    assert read_receipt(sale.return_proof, KEYS, now=NOW).sale_id == sale.sale_uuid


@pytest.mark.parametrize("paper", [80, 58])
def test_the_longest_proof_still_fits_the_paper(paper):
    token = samples.proof(99_999, "cash", MAX_PROOF_LINES)
    profile = RASTER[paper]
    assert len(_qr_matrix(token)) * qr_box(token, 4, profile.dots) <= profile.dots
    assert len(read_receipt(token, KEYS, now=NOW).lines) == MAX_PROOF_LINES
