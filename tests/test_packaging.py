"""A wheel built from the project installs in a new virtual environment and works."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sqlstore, sqlstore.paths
from sqlstore.dao import GenerationDAO
from sqlstore.models import GenerationCreate
assert "_bundled" in str(sqlstore.paths.builtin_dir("sql")), sqlstore.paths.builtin_dir("sql")
with sqlstore.connect("sqlite:///fresh.db") as store:
    print(store.migrate())
    with store.session() as s:
        GenerationDAO(s).create(GenerationCreate(prompt="p", model_name="m",
            duration_seconds=1, sample_rate=8000, channels=1, file_path="f"))
        print(GenerationDAO(s).count())
"""


def test_wheel_installs_and_migrates_a_new_sqlite_database(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("sqlstore-*.whl"))
    assert "sqlstore/py.typed" in zipfile.ZipFile(wheel).namelist()  # for apps' mypy
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = subprocess.run(
        [str(python), "-c", SCRIPT], cwd=work, check=True, capture_output=True, text=True
    ).stdout
    assert "0001_generations.sqlite" in out and out.strip().endswith("1")
    cli = subprocess.run(
        # The database the script migrated: status creates none (it reads).
        [str(env_dir / "bin" / "sqlstore"), "--database", "sqlite:///fresh.db", "status"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "applied  0001_generations.sqlite" in cli
