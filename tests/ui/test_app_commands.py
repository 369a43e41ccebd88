"""``store-client tour | demo | run`` as a person runs them (subprocesses, offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from store_client.demo.operators import DEMO_OPERATORS
from store_client.ui.checkout.tour_shots import CHECKOUT_SHOTS
from store_client.ui.screen_registry import screens_for
from store_client.ui.tour import best_operator, is_blank

SKUS = "200"
FIXED_SHOTS = 5  # login, login error, help, idle lock, approval dialog
MEMBER_SHOTS = 1  # the Members screen with a profile open
BOARD_SHOTS = 1  # the board's return conflicts and credit overdrafts (F6)


def store_client(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("STORE_CLIENT_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "store_client", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=Path(__file__).parents[2],
                          check=False)


def test_tour_writes_one_non_empty_png_per_screen(tmp_path: Path, qapp) -> None:
    out = tmp_path / "tour"
    result = store_client("tour", "--out", str(out), "--skus", SKUS, "--locale", "en")
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.splitlines() if line.endswith(".png")]
    role = best_operator([(o.id, o.name, o.role, o.pin) for o in DEMO_OPERATORS])[2]
    checkout = any(spec.key == "checkout" for spec, _key in screens_for(role))
    members = any(spec.key == "members" for spec, _key in screens_for(role))
    board = any(spec.key == "board" for spec, _key in screens_for(role))
    assert len(printed) == (FIXED_SHOTS + len(screens_for(role)) + (CHECKOUT_SHOTS if checkout else 0)
                            + (MEMBER_SHOTS if members else 0) + (BOARD_SHOTS if board else 0))
    assert sorted(printed) == sorted(out.glob("*.png"))
    for path in printed:
        image = QImage(str(path))
        assert not is_blank(image), path
        assert (image.width(), image.height()) >= (400, 300)
    names = {p.name for p in printed}
    assert {"01-login.png", "02-login-error.png"} <= names
    assert any("screen-productLookup" in n for n in names)
    assert {"checkout-cart", "checkout-tender", "checkout-complete",
            "returns-loaded", "member-profile"} <= {n[3:-4] for n in names}


def test_demo_creates_once_then_reuses_and_run_reports_readiness(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    first = store_client("demo", "--data-dir", str(folder), "--skus", SKUS, "--exit-when-ready")
    assert first.returncode == 0, first.stderr
    assert "creating a demo store" in first.stdout
    painted, ready = first.stdout.strip().splitlines()[-2:]
    assert painted.startswith("painted ") and ready.startswith("ready ")
    assert 0 < float(painted.split()[1]) <= float(ready.split()[1]) < 60
    config = folder / "config.toml"
    assert config.exists() and (folder / "terminal.sqlite3").exists()
    again = store_client("demo", "--data-dir", str(folder), "--exit-when-ready")
    assert again.returncode == 0, again.stderr
    assert "creating" not in again.stdout
    run = store_client("--config", str(config), "run", "--exit-when-ready")
    assert run.returncode == 0, run.stderr
    assert [line.split()[0] for line in run.stdout.split("\n") if line] == ["painted", "ready"]
    (folder / "left-over.txt").write_text("from the last demo")
    fresh = store_client("demo", "--data-dir", str(folder), "--skus", SKUS, "--fresh",
                         "--exit-when-ready")
    assert fresh.returncode == 0, fresh.stderr
    assert "creating a demo store" in fresh.stdout
    assert not (folder / "left-over.txt").exists() and config.exists()


def test_fresh_refuses_to_wipe_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    precious = tmp_path / "not-a-demo"
    precious.mkdir()
    (precious / "config.toml").write_text('[store]\nstore_id = "S9"\nterminal_id = "T9"\n')
    (precious / "sales.txt").write_text("keep me")
    result = store_client("demo", "--data-dir", str(precious), "--fresh", "--exit-when-ready")
    assert result.returncode == 1
    assert "refusing to delete" in result.stderr and "Traceback" not in result.stderr
    assert (precious / "sales.txt").read_text() == "keep me"


def test_run_with_a_missing_config_is_a_clean_error(tmp_path: Path) -> None:
    result = store_client("--config", str(tmp_path / "nope.toml"), "run")
    assert result.returncode == 2
    assert "nope.toml" in result.stderr and "Traceback" not in result.stderr


def test_blank_images_are_detected(qtbot) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QLabel

    empty = QImage()
    flat = QImage(200, 100, QImage.Format.Format_RGB32)
    flat.fill(QColor("#f4f6f9"))
    label = QLabel("商品查询 Product lookup")
    qtbot.addWidget(label)
    label.resize(300, 60)
    assert is_blank(empty) and is_blank(flat)
    assert not is_blank(label.grab().toImage())
