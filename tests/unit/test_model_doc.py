"""docs/model.md (the ODD description) must keep up with the code's named parts.

A name counts as mentioned only as a code span (in backticks, e.g. `in_work`): plain
words such as "new" or "decision" occur in any prose and would prove nothing.
"""

import re

import pytest

from courtsim.cases import Outcome, Stage
from courtsim.model import HOOKS
from courtsim.policies import REGISTRY
from courtsim.rng import STREAM_NAMES
from tests.conftest import ROOT

DOC = ROOT / "docs" / "model.md"


def _code_spans() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", text))


NAMES = {
    "hook (courtsim.model.HOOKS)": tuple(HOOKS),
    "stage (courtsim.cases.Stage)": tuple(s.name.lower() for s in Stage),
    "outcome (courtsim.cases.Outcome)": tuple(o.name.lower() for o in Outcome),
    "policy type (courtsim.policies.REGISTRY)": tuple(REGISTRY),
    "random stream (courtsim.rng.STREAM_NAMES)": tuple(STREAM_NAMES),
}


def test_model_doc_exists():
    assert DOC.is_file(), "docs/model.md is missing"


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_model_doc_mentions_every_name(kind):
    missing = sorted(set(NAMES[kind]) - _code_spans())
    assert not missing, (
        f"docs/model.md does not mention these {kind} names as code spans "
        f"(`name`): {missing}; describe them in the model description"
    )


def test_model_doc_lists_hooks_in_step_order():
    # The process overview lists the hooks in the order the daily step runs them.
    text = DOC.read_text(encoding="utf-8")
    positions = [text.find(f"hook `{h}`") for h in HOOKS]
    assert all(p >= 0 for p in positions), (
        f"write each hook as hook `name` in the step table: {list(HOOKS)}"
    )
    assert positions == sorted(positions), f"the step table must list hooks in order {HOOKS}"
