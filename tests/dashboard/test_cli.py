import pytest

from courtsim.cli import build_parser, main


def test_report_command_writes_a_report(results_root, tmp_path, capsys):
    out = tmp_path / "briefing.html"
    assert main(["report", str(results_root / "experiments" / "compare1"), "--html", str(out)]) == 0
    assert "opens offline" in capsys.readouterr().out
    assert "What the pilots change" in out.read_text(encoding="utf-8")


def test_report_command_refuses_bad_input_without_a_traceback(tmp_path, capsys):
    out = tmp_path / "x.html"
    assert main(["report", str(tmp_path / "missing"), "--html", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no such results folder" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_dashboard_command_checks_its_port(port, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["dashboard", "--port", port])
    assert info.value.code == 2
    assert "port" in capsys.readouterr().err


def test_dashboard_defaults_to_localhost():
    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port, args.results) == ("127.0.0.1", 8050, "results")


def test_dashboard_refuses_a_results_file(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["dashboard", "--results", str(f)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
