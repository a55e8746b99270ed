"""Resume and only-missing-outputs on random pipelines (with transcoded datasets): what a user
relies on when they paste the suggested ``--from-nodes`` or pass ``--only-missing-outputs``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.pipeline import Pipeline
from kedro_ipy.runner import find_nodes_to_resume_from
from kedro_ipy.runner._missing_outputs import _only_missing_outputs
from tests.pipeline.test_pipeline_properties import dags, reach, reference_edges

from .conftest import Disk


def _finished_prefix(pipe: Pipeline, count: int) -> list[str]:
    """What a sequential run completed before its node ``count`` failed."""
    return [n.name for n in pipe.nodes[:count]]


@settings(max_examples=30, deadline=None)
@given(dags(), st.data())
def test_everything_persisted_resumes_at_the_unfinished_roots(case, data):
    nodes, datasets = case
    pipe = Pipeline(nodes)
    count = data.draw(st.integers(0, len(nodes) - 1))
    done = set(_finished_prefix(pipe, count))
    catalog = DataCatalog({name: Disk(1) for name in datasets})
    _, parents = reference_edges(nodes)
    unfinished = {n.name for n in nodes} - done
    expected = sorted(n for n in unfinished if not parents[n] & unfinished)
    assert find_nodes_to_resume_from(pipe, done, catalog) == expected


@settings(max_examples=30, deadline=None)
@given(dags(), st.data())
def test_resumed_run_covers_what_did_not_finish_and_what_memory_lost(case, data):
    nodes, datasets = case
    pipe = Pipeline(nodes)
    count = data.draw(st.integers(0, len(nodes) - 1))
    done = set(_finished_prefix(pipe, count))
    in_memory = data.draw(st.sets(st.sampled_from(datasets)))
    catalog = DataCatalog(
        {name: MemoryDataset() if name in in_memory else Disk(1) for name in datasets}
    )
    resume = find_nodes_to_resume_from(pipe, done, catalog)
    rerun = {n.name for n in pipe.from_nodes(*resume).nodes}
    unfinished = {n.name for n in nodes} - done
    assert unfinished <= rerun
    # What lived only in memory is gone: whatever an unfinished node needs through in-memory
    # data, directly or through other in-memory data, is made again by the resumed run.
    writer = {o.split("@")[0]: n.name for n in nodes for o in n.outputs}
    memory_parents = {
        n.name: {
            writer[name.split("@")[0]]
            for name in n.inputs
            if name in in_memory and name.split("@")[0] in writer
        }
        for n in nodes
    }
    assert reach(unfinished, memory_parents) <= rerun


@settings(max_examples=30, deadline=None)
@given(dags(), st.data())
def test_only_missing_outputs_runs_what_a_missing_output_needs(case, data):
    nodes, datasets = case
    pipe = Pipeline(nodes)
    existing = data.draw(st.sets(st.sampled_from(datasets)))
    catalog = DataCatalog({name: Disk(1 if name in existing else None) for name in datasets})
    kept = {n.name for n in _only_missing_outputs(pipe, catalog).nodes}
    # everything persisted: a node runs exactly when one of its outputs is missing (a child
    # that runs reads the others from disk)
    for n in nodes:
        missing = [o for o in n.outputs if o not in existing]
        assert (n.name in kept) == bool(missing), (n.name, missing)
