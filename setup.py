"""Build step: the wheel carries the starter (content/, templates/, review/ and the sample records) as
``handle_docs/starter/``, copied at build time from the repository's top-level folders, which stay the one
source (nothing is copied in git, and an editable install reads the folders themselves).
Everything else is configured in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
STARTER_FOLDERS = ("content", "templates", "review")
SAMPLE_RECORDS = ("examples/patrol-records.csv", "examples/patrol-forms-export.xlsx")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*~")


class build_py_with_starter(build_py):
    """build_py, then the starter copied into the built package (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "handle_docs" / "starter"
        for folder in STARTER_FOLDERS:
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(HERE / folder, target / folder, ignore=SKIP)
        for name in SAMPLE_RECORDS:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / name, target / name)


setup(cmdclass={"build_py": build_py_with_starter})
