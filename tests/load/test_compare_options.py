"""Options of compare-local that are rejected before any server starts."""

import argparse

import pytest

from prslab import compare_local


def parse(*arguments):
    """Parse `prslab compare-local ARGUMENTS` with the command's own parser."""
    parser = argparse.ArgumentParser(prog="prslab")
    compare_local.register(parser.add_subparsers())
    return parser.parse_args(["compare-local", *map(str, arguments)])


def test_out_under_proc_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse("--out", "/proc/prslab-results")

    error = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "invalid output folder '/proc/prslab-results'" in error
    assert "cannot create folders in /proc" in error


def test_out_under_file_rejected(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a folder")

    with pytest.raises(SystemExit) as exit_info:
        parse("--out", tmp_path / "notes.txt" / "results")

    error = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert f"{tmp_path / 'notes.txt'} is not a folder" in error


def test_out_new_folder_accepted_uncreated(tmp_path):
    out = tmp_path / "new" / "results"

    args = parse("--out", out)

    assert args.out == out
    assert not (tmp_path / "new").exists()
    assert list(tmp_path.iterdir()) == []
