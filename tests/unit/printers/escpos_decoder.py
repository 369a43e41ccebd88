"""A small, strict ESC/POS decoder for tests: bytes back to lines of text and commands.

Knows exactly the commands our renderer may send; anything else is an error,
so a stray byte in the output fails the test that decodes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}


@dataclass
class Decoded:
    events: list[tuple] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    double_lines: list[bool] = field(default_factory=list)  # per line: printed double size
    qr_payloads: list[str] = field(default_factory=list)
    barcodes: list[tuple[int, bytes]] = field(default_factory=list)
    images: list[tuple[int, int]] = field(default_factory=list)  # (width dots, height)
    rasters: list[bytes] = field(default_factory=list)  # each image's bits, row by row (1 = black)
    cuts: list[str] = field(default_factory=list)
    drawer_kicks: list[tuple[int, int, int]] = field(default_factory=list)  # (pin 2/5, t1, t2)
    chinese_mode_entered: int = 0
    chinese_mode_left: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class DecodeError(AssertionError):
    pass


def decode(data: bytes) -> Decoded:
    out = Decoded()
    i, n = 0, len(data)
    chinese = False
    codec = "cp437"
    pending = bytearray()
    double = False

    def flush_line() -> None:
        nonlocal pending
        text = bytes(pending).decode("gb18030" if chinese else codec)
        out.lines.append(text)
        out.double_lines.append(double)
        out.events.append(("text", text))
        pending.clear()

    def need(k: int) -> bytes:
        if i + k > n:
            raise DecodeError(f"truncated command at {i}: {data[i:i + k]!r}")
        return data[i:i + k]

    while i < n:
        b = data[i]
        if b == 0x0A:
            flush_line()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = need(2)[1:2]
            if cmd == b"@":
                out.events.append(("init",))
                i += 2
            elif cmd in b"tEad!-M2" and cmd != b"":
                if cmd == b"2":
                    i += 2
                    continue
                arg = need(3)[2]
                name = {b"t": "codepage", b"E": "bold", b"a": "align", b"d": "feed",
                        b"!": "mode", b"-": "underline", b"M": "font"}[cmd]
                out.events.append((name, arg))
                if cmd == b"t":
                    if arg not in CODE_PAGES:
                        raise DecodeError(f"code page {arg} unknown to the decoder")
                    codec = CODE_PAGES[arg]
                i += 3
            elif cmd == b"p":
                _, _, m, t1, t2 = need(5)
                out.drawer_kicks.append((2 if m in (0, 48) else 5, t1, t2))
                out.events.append(("drawer", m))
                i += 5
            elif cmd == b"3":
                i += 3
            else:
                raise DecodeError(f"unknown ESC command {data[i:i + 4]!r} at {i}")
        elif b == 0x1D:  # GS
            cmd = need(2)[1:2]
            if cmd in (b"!", b"h", b"w", b"f", b"H", b"B"):
                if cmd == b"!":
                    double = need(3)[2] != 0
                out.events.append(({b"!": "size", b"h": "bc_height", b"w": "bc_width",
                                    b"f": "hri_font", b"H": "hri_pos", b"B": "invert"}[cmd], need(3)[2]))
                i += 3
            elif cmd == b"k":
                m = need(3)[2]
                if m >= 65:
                    length = need(4)[3]
                    payload = need(4 + length)[4:]
                    out.barcodes.append((m, payload))
                    i += 4 + length
                else:
                    end = data.index(b"\x00", i + 3)
                    out.barcodes.append((m, data[i + 3:end]))
                    i = end + 1
            elif cmd == b"(":
                head = need(5)
                kind, size = head[2:3], head[3] + 256 * head[4]
                body = need(5 + size)[5:]
                if kind == b"k" and body[:2] == b"1P":
                    out.qr_payloads.append(body[3:].decode("utf-8"))
                elif kind not in (b"k", b"L"):
                    raise DecodeError(f"unknown GS ( {kind!r}")
                i += 5 + size
            elif cmd == b"v":
                head = need(8)
                if head[2:3] != b"0":
                    raise DecodeError("GS v must be GS v 0")
                width_bytes, height = head[4] + 256 * head[5], head[6] + 256 * head[7]
                out.rasters.append(need(8 + width_bytes * height)[8:])
                out.images.append((width_bytes * 8, height))
                i += 8 + width_bytes * height
            elif cmd == b"V":
                m = need(3)[2]
                if m in (65, 66):
                    need(4)
                    out.cuts.append("full" if m == 65 else "part")
                    i += 4
                elif m in (0, 1, 48, 49):
                    out.cuts.append("full" if m in (0, 48) else "part")
                    i += 3
                else:
                    raise DecodeError(f"unknown cut mode {m}")
            else:
                raise DecodeError(f"unknown GS command {data[i:i + 4]!r} at {i}")
        elif b == 0x1C:  # FS
            cmd = need(2)[1:2]
            if cmd == b"&":
                chinese = True
                out.chinese_mode_entered += 1
            elif cmd == b".":
                chinese = False
                out.chinese_mode_left += 1
            else:
                raise DecodeError(f"unknown FS command {data[i:i + 3]!r}")
            out.events.append(("chinese", chinese))
            i += 2
        elif b < 0x20 and b not in (0x0A,):
            raise DecodeError(f"unexpected control byte 0x{b:02x} at {i}")
        else:
            pending.append(b)
            i += 1
    if pending:
        flush_line()
    return out
