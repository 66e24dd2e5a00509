import base64
import json

import plotly.graph_objects as go
import pytest
import yaml
from dash import html

from courtsim.dashboard import handlers as H
from tests.conftest import TINY


def payload(text: str) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()


def text_of(component) -> str:
    """All the text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def is_error(component) -> bool:
    return isinstance(component, html.Div) and "error" in (component.className or "")


def lever_state(ctx, source, **values):
    """The (ids, values) the page sends for the levers of a source scenario."""
    from courtsim.dashboard.levers import levers_for
    from courtsim.errors import CourtsimError

    try:
        sc = H._source_scenario(ctx, source)
    except CourtsimError:  # the handler reports it; the page would send no levers
        return [], []
    levers = levers_for(sc)
    ids = [{"type": "lever", "key": lv.key} for lv in levers]
    vals = [values.get(lv.key, lv.value) for lv in levers]
    return ids, vals


def run(ctx, source=None, reps=2, days=60, seed=1, channels=(), **levers):
    source = source or {"shipped": "baseline"}
    ids, vals = lever_state(ctx, source, **levers)
    return H.run_explorer(ctx, "tok", source, ids, vals, list(channels), days, reps, seed)


def test_layout_builds_without_a_server(app):
    layout = app.layout()
    ids = set()

    def walk(c):
        if hasattr(c, "id") and isinstance(c.id, str):
            ids.add(c.id)
        for child in (
            c.children
            if isinstance(getattr(c, "children", None), list)
            else [getattr(c, "children", None)]
        ):
            if hasattr(child, "to_plotly_json"):
                walk(child)

    walk(layout)
    assert {"ex-run", "ex-scenario", "cmp-run", "sw-folder", "token", "tabs"} <= ids
    assert app.layout().children[1].data != layout.children[1].data  # a token per page load


def test_choosing_a_shipped_scenario_rebuilds_the_levers(app):
    ctx = app.courtsim
    out = H.select_scenario(ctx, "ex-scenario", "more_judges", None, None)
    assert out["source"] == {"shipped": "more_judges"}
    judges = next(c for c in out["levers"] if "Civil judges" in text_of(c))
    assert judges.children[1].value == 6
    assert out["days"] == 60


@pytest.mark.slow
def test_run_callback_draws_cards_and_figures_and_a_lever_changes_them(app):
    ctx = app.courtsim
    a = run(ctx)
    assert set(a) >= {"view", "status", "cards", "pending", "ttd", "channels_fig", "util", "table"}
    assert "2 replications of 'baseline'" in text_of(a["status"])
    assert isinstance(a["pending"], go.Figure)
    assert len(a["pending"].data) == 2  # band and mean line
    card = next(c for c in a["cards"] if "Disposition time" in text_of(c))
    b = run(ctx, **{"judges.count": 1})
    card_b = next(c for c in b["cards"] if "Disposition time" in text_of(c))
    assert text_of(card) != text_of(card_b)
    assert list(a["pending"].data[1].y) != list(b["pending"].data[1].y)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reps": 0}, "replications must be between 1 and 20"),
        ({"reps": "ten"}, "'ten' is not a number"),
        ({"reps": 2.5}, "not a whole number"),
        ({"days": 0}, "days must be between 1 and 40000"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"source": {"shipped": "../../etc/passwd"}}, "no shipped scenario called"),
        ({"source": {"upload": "deadbeef"}}, "no longer held by the server"),
        ({"source": "garbage"}, "choose a scenario first"),
        ({"judges.count": 0}, "judges.count"),
        ({"judges.count": "x"}, "'x' is not a number"),
        ({"days": 40, "reps": 20, "source": {"shipped": "baseline"}}, None),
    ],
)
def test_run_callback_turns_bad_input_into_a_message(app, kwargs, message):
    ctx = app.courtsim
    if message is None:  # 20 x 40 days fits the default caps; make the cap smaller
        from dataclasses import replace

        ctx.limits = replace(ctx.limits, max_scenario_days=500)
        message = "simulated days"
    out = run(ctx, **kwargs)
    assert set(out) == {"status"}
    assert is_error(out["status"])
    assert message in text_of(out["status"])


def test_an_unexpected_failure_is_one_sentence_and_the_next_run_works(app, monkeypatch):
    ctx = app.courtsim

    def boom(*a, **k):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(ctx.runner, "run", boom)
    out = run(ctx)
    assert "Something went wrong on the server" in text_of(out["status"])
    assert "internal detail" not in text_of(out["status"])
    monkeypatch.undo()
    assert "cards" in run(ctx)


def test_upload_loader_accepts_a_good_file_and_runs_it(app):
    ctx = app.courtsim
    text = yaml.safe_dump({**TINY, "name": "uploaded", "judges": {"count": 4}})
    out = H.select_scenario(ctx, "ex-upload", "baseline", payload(text), "mine.yaml")
    assert "Loaded mine.yaml" in text_of(out["message"])
    assert out["source"]["upload"]
    res = run(ctx, source=out["source"])
    assert "of 'uploaded'" in text_of(res["status"])


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (payload("judges: {count: -3}\ncase_types: {}"), "mine.yaml"),
        (payload("name: [unclosed"), "not valid YAML"),
        (payload("name: x\n" + "#" * 70_000), "larger than 64 KB"),
        ("not a data url", "not received as a file"),
        (payload("a: &x [1]\nb: *x"), "aliases"),
    ],
)
def test_upload_loader_refuses_bad_files(app, contents, message):
    out = H.select_scenario(app.courtsim, "ex-upload", "baseline", contents, "mine.yaml")
    assert set(out) == {"message"}
    assert is_error(out["message"])
    assert message in text_of(out["message"])


@pytest.mark.slow
def test_comparison_callback_live(app):
    out = H.run_comparison(app.courtsim, "tok", "cmp-run", "baseline", ["more_judges"], 2, 3, None)
    assert "more_judges against baseline: 2 paired replications" in text_of(out["status"])
    assert "Scenario 'more_judges'" in text_of(out["sentences"])
    assert all(list(t.y) == ["more_judges"] for t in out["diff"].data)
    assert len(out["pending"].data) == 4  # band + line for each scenario


def test_comparison_callback_opens_a_saved_comparison(app):
    out = H.run_comparison(
        app.courtsim, "tok", "cmp-saved", None, None, None, None, "experiments/compare1"
    )
    assert "Opened the saved comparison" in text_of(out["status"])
    assert out["diff"].data


@pytest.mark.parametrize(
    ("pilots", "saved", "trigger", "message"),
    [
        ([], None, "cmp-run", "choose at least one pilot"),
        (["nope"], None, "cmp-run", "no shipped scenario called 'nope'"),
        (None, "../../etc/passwd", "cmp-saved", "outside the results folder"),
        (None, "/etc", "cmp-saved", "absolute path"),
        (None, "experiments/sweep1", "cmp-saved", "holds a sweep, not a comparison"),
        (None, "missing", "cmp-saved", "no such results folder"),
    ],
)
def test_comparison_callback_refuses_bad_requests(app, pilots, saved, trigger, message):
    out = H.run_comparison(app.courtsim, "tok", trigger, "baseline", pilots, 2, 1, saved)
    assert is_error(out["status"])
    assert message in text_of(out["status"])


def test_file_loader_opens_a_sweep_and_draws_it(app):
    ctx = app.courtsim
    out = H.open_folder(ctx, "tok", "sw-folder", "experiments/sweep1", None)
    assert "a sweep with 2 factors" in text_of(out["message"])
    assert out["x"] == "judges.count"
    assert out["y"] == "filings.per_year"
    line = H.draw_sweep(ctx, out["view"], "clearance_rate", "judges.count", None, "line")
    assert list(line["graphs"][0].figure.data[0].x) == [20, 25, 30]
    heat = H.draw_sweep(
        ctx, out["view"], "clearance_rate", "judges.count", "filings.per_year", "heatmap"
    )
    assert heat["graphs"][0].figure.data[0].type == "heatmap"
    bad = H.draw_sweep(ctx, out["view"], "no_kpi", "judges.count", None, "line")
    assert is_error(bad["message"])


def test_file_loader_opens_sensitivity_and_other_kinds(app):
    ctx = app.courtsim
    out = H.open_folder(ctx, "tok", "sw-open", None, "sens1")
    bars = H.draw_sweep(ctx, out["view"], out["metric"], None, None, "line")
    assert [t.name for t in bars["graphs"][0].figure.data] == ["S1", "ST"]
    run1 = H.open_folder(ctx, "tok", "sw-folder", "run1", None)
    figs = H.draw_sweep(ctx, run1["view"], run1["metric"], None, None, "line")
    assert len(figs["graphs"]) == 5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../../etc/passwd", "outside the results folder"),
        ("run1/../../../etc", "outside the results folder"),
        ("/etc/passwd", "absolute path"),
        ("nothing_here", "no such results folder"),
        (".", "manifest.json is missing"),
    ],
)
def test_file_loader_refuses_paths(app, path, message):
    out = H.open_folder(app.courtsim, "tok", "sw-open", None, path)
    assert set(out) == {"message"}
    assert is_error(out["message"])
    assert message in text_of(out["message"])


@pytest.mark.slow
def test_downloads(app):
    ctx = app.courtsim
    view = run(ctx)["view"]
    page = H.download(ctx, "html", view)["download"]
    assert page["filename"] == "baseline_briefing.html"
    assert "Plotly.newPlot" in page["content"]
    csv = H.download(ctx, "csv", view)["download"]
    assert csv["content"].startswith("scenario,metric,label,unit,n,mean")
    sweep = H.open_folder(ctx, "tok", "sw-folder", "experiments/sweep1", None)["view"]
    extra = {"metric": "clearance_rate", "x": "judges.count", "y": None}
    csv2 = H.download(ctx, "csv", sweep, extra)["download"]["content"]
    assert csv2.splitlines()[0].startswith("metric,judges.count,n,mean")
    assert "no longer held" in text_of(H.download(ctx, "csv", "stale")["status"])
    assert "nothing to download yet" in text_of(H.download(ctx, "html", None)["status"])


def _dash_request(client, output, inputs, state=(), changed=0):
    body = {
        "output": output,
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in output.strip(".").split("...")
        ],
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [f"{inputs[changed]['id']}.{inputs[changed]['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def test_the_server_answers_after_malformed_requests(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.post("/_dash-update-component", data="{not json").status_code >= 400
    assert client.post("/_dash-update-component", json={"output": "nope.x"}).status_code >= 400
    big = client.post(
        "/_dash-update-component", data=b"x" * (3 * 1024 * 1024), content_type="application/json"
    )
    assert big.status_code == 413
    res = _dash_request(
        client,
        "..sw-view.data...sw-msg.children...sw-metric.options...sw-metric.value...sw-x.options...sw-x.value...sw-y.options...sw-y.value..",
        [
            {"id": "sw-folder", "property": "value", "value": None},
            {"id": "sw-open", "property": "n_clicks", "value": 1},
            {"id": "sw-path", "property": "n_submit", "value": None},
        ],
        [
            {"id": "sw-path", "property": "value", "value": "../../etc/passwd"},
            {"id": "token", "property": "data", "value": "t"},
            {"id": "lang", "property": "value", "value": "en"},
        ],
        changed=1,
    )
    assert res.status_code == 200
    text = json.dumps(res.get_json())
    assert "outside the results folder" in text
    assert "Traceback" not in text
    assert client.get("/_dash-layout").status_code == 200
