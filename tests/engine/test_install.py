"""`pip install .` into a fresh venv outside the source tree gives a working `migrate`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from engine_helpers import ROOT, make_app, write_plan


def test_pip_install_gives_a_working_migrate(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    caches = shutil.ignore_patterns("__pycache__", ".*_cache", "*.db")
    shutil.copytree(ROOT / "migrator", source / "migrator", ignore=caches)
    # the demo's template and fixture app are packaged into the wheel
    shutil.copytree(ROOT / "template", source / "template", ignore=caches)
    shutil.copytree(ROOT / "fixtures" / "electronics-inventory",
                    source / "fixtures" / "electronics-inventory", ignore=caches)
    iot = source / "fixtures" / "iot-support"
    shutil.copytree(ROOT / "fixtures" / "iot-support", iot,
                    ignore=shutil.ignore_patterns("__pycache__", ".*_cache", "*.db", ".venv"))
    # A checkout's IoT app has its virtual environment inside (make venv-iot): not shipped.
    (iot / "backend" / ".venv" / "bin").mkdir(parents=True)
    (iot / "backend" / ".venv" / "bin" / "python").write_text("#!/bin/sh\n")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    new_python = env_dir / "bin" / "python"
    # Dependencies come from the project's venv (offline); the package itself from the copy.
    site = subprocess.run([str(new_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, env=clean).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(new_python), "install", "-q",
                    "--no-deps", "--no-build-isolation", "--no-index", str(source)],
                   check=True, cwd=tmp_path, capture_output=True, env=clean)
    shutil.rmtree(source)

    migrate = env_dir / "bin" / "migrate"
    where = subprocess.run([str(new_python), "-c", "import migrator; print(migrator.__file__)"],
                           cwd=tmp_path, check=True, capture_output=True, text=True, env=clean).stdout
    assert where.startswith(str(env_dir))
    help_text = subprocess.run([str(migrate), "--help"], cwd=tmp_path, check=True,
                               capture_output=True, text=True, env=clean).stdout
    for command in ("plan", "apply", "verify", "rollback", "status", "schema", "demo"):
        assert command in help_text
    probe = ("from migrator.demo import Sources; s = Sources.bundled(); "
             "print(s.template_version(), (s.fixture / 'run.py').is_file(), s.plan.is_file(), "
             "(s.template / 'template' / '.gitignore').is_file())")
    bundled = subprocess.run(
        [str(new_python), "-c", probe],
        cwd=tmp_path, check=True, capture_output=True, text=True, env=clean).stdout.split()
    assert bundled == ["0.1.0", "True", "True", "True"]
    probe_iot = ("from migrator.demo import Sources; s = Sources.bundled('iot-support'); "
                 "print((s.app_code / 'run.py').is_file(), (s.fixture / 'frontend').is_dir(), "
                 "s.plan.is_file(), (s.plan.parent / 'iot-support' / 'app_init.py').is_file(), "
                 "(s.app_code / '.env.example').is_file(), (s.app_code / '.venv').exists())")
    bundled_iot = subprocess.run(
        [str(new_python), "-c", probe_iot],
        cwd=tmp_path, check=True, capture_output=True, text=True, env=clean).stdout.split()
    assert bundled_iot == ["True", "True", "True", "True", "True", "False"]
    app = make_app(tmp_path / "app")
    (tmp_path / "plans" / "files").mkdir(parents=True)
    (tmp_path / "plans" / "files" / "a.py").write_text("A = 1\n")
    plan = write_plan(tmp_path / "plans", """
        name: installed
        steps:
          - write: {path: app/a.py, from: files/a.py}
    """)
    run = subprocess.run([str(migrate), "apply", str(plan), "--target", str(app)], cwd=tmp_path,
                         capture_output=True, text=True, env=clean, check=False)
    assert run.returncode == 0, run.stderr
    assert (app / "app" / "a.py").read_text() == "A = 1\n"
    as_module = subprocess.run([str(new_python), "-m", "migrator", "status", "--target", str(app)],
                               cwd=tmp_path, capture_output=True, text=True, env=clean, check=False)
    assert as_module.returncode == 0 and "plan installed" in as_module.stdout
