"""The generated documentation matches the declarations; the ODD document exists."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_tables_are_up_to_date():
    p = subprocess.run([sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_every_parameter_appears_in_the_docs():
    from sim.params import PARAMETERS

    text = (ROOT / "docs" / "parameters.md").read_text()
    for name in PARAMETERS:
        assert f"`{name}`" in text


def test_odd_description_covers_the_protocol():
    text = (ROOT / "docs" / "odd.md").read_text().lower()
    for heading in ["purpose", "entities", "process overview", "design concepts",
                    "initiali", "input data", "submodels"]:
        assert heading in text, heading
