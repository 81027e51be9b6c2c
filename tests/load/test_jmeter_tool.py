"""`prslab tools jmeter` leaves tools/jmeter/bin/jmeter linked to the JMeter in use."""

import logging
import shutil

import pytest

from prslab.tools import jmeter

pytestmark = pytest.mark.load


@pytest.fixture(scope="module")
def real_jmeter():
    """Return a real JMeter launcher: installed, or assembled as compare-local does."""
    return jmeter.find_jmeter().absolute()


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """Give the test an empty HOME and a PATH with java but no jmeter."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "bin").mkdir()
    java_dir = shutil.which("java").rsplit("/", 1)[0]
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{java_dir}:/usr/bin:/bin")
    assert shutil.which("jmeter") is None
    return tmp_path


def write_wrapper(path, real_jmeter):
    """Write an executable jmeter script at path that runs the real JMeter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{real_jmeter}" "$@"\n')
    path.chmod(0o755)
    return path


def test_path_jmeter_gets_linked(machine, real_jmeter, caplog):
    on_path = write_wrapper(machine / "bin" / "jmeter", real_jmeter)
    home = machine / "tools" / "jmeter"

    with caplog.at_level(logging.INFO):
        used = jmeter.provide_jmeter(home)

    launcher = home / "bin" / "jmeter"
    assert used == on_path
    assert launcher.is_symlink()
    assert launcher.readlink() == on_path
    assert jmeter.jmeter_version(launcher) == jmeter.jmeter_version(real_jmeter)
    assert "the first jmeter on PATH" in caplog.text


def test_newest_taurus_jmeter_gets_linked(machine, real_jmeter, caplog):
    installs = machine / "home" / ".bzt" / "jmeter-taurus"
    write_wrapper(installs / "5.5" / "bin" / "jmeter", real_jmeter)
    newest = write_wrapper(installs / "5.6.3" / "bin" / "jmeter", real_jmeter)
    home = machine / "tools" / "jmeter"

    with caplog.at_level(logging.INFO):
        used = jmeter.provide_jmeter(home)

    assert used == newest
    assert (home / "bin" / "jmeter").readlink() == newest
    assert "installed by Taurus in ~/.bzt" in caplog.text


def test_assembled_copy_replaced_by_link(machine, real_jmeter):
    home = machine / "tools" / "jmeter"
    write_wrapper(home / "bin" / "jmeter", real_jmeter)
    (home / "lib").mkdir()
    on_path = write_wrapper(machine / "bin" / "jmeter", real_jmeter)

    jmeter.provide_jmeter(home)

    assert (home / "bin" / "jmeter").readlink() == on_path
    assert not (home / "lib").exists()


def test_launcher_on_path_kept(machine, real_jmeter, monkeypatch):
    home = machine / "tools" / "jmeter"
    launcher = write_wrapper(home / "bin" / "jmeter", real_jmeter)
    (home / "lib").mkdir()
    monkeypatch.setenv("PATH", f"{home / 'bin'}:{machine / 'bin'}:/usr/bin:/bin")

    used = jmeter.provide_jmeter(home)

    assert used == launcher
    assert not launcher.is_symlink()
    assert (home / "lib").is_dir()


def test_stale_link_replaced(machine, real_jmeter):
    home = machine / "tools" / "jmeter"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "jmeter").symlink_to(machine / "removed" / "jmeter")
    on_path = write_wrapper(machine / "bin" / "jmeter", real_jmeter)

    jmeter.provide_jmeter(home)

    assert (home / "bin" / "jmeter").readlink() == on_path
