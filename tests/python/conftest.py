"""Shared checks for the Python module's tests (run by CTest with PYTHONPATH
set to the build's python/ folder)."""
import os

import numpy as np
import pytest

marl = pytest.importorskip("marl", reason="the marl Python module is not on PYTHONPATH (build target marl_python)")

SOURCE_DIR = os.environ.get("MARL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

# Env configurations every API test runs on: every in-tree plugin, discrete
# and continuous actions.
ENV_CASES = [
    ("mpe", {"scenario": "simple_spread_v3"}),
    ("mpe", {"scenario": "simple_tag_v3"}),
    ("mpe", {"scenario": "simple_reference_v3", "continuous_actions": True}),
    ("hide_and_seek", {"scenario": "quadrant"}),
    ("hide_and_seek", {"scenario": "quadrant", "obs_mode": "entities"}),
    ("matrix_games", {"game": "two_step"}),
]


def case_id(case):
    name, params = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in params.items())


def random_actions(env, infos, rng):
    actions = {}
    for agent in env.agents:
        space = env.action_space(agent)
        mask = infos.get(agent, {}).get("action_mask")
        if hasattr(space, "n"):
            valid = np.flatnonzero(mask) if mask is not None else np.arange(space.n)
            actions[agent] = int(rng.choice(valid))
        else:
            actions[agent] = rng.uniform(space.low, space.high).astype(np.float32)
    return actions


def play_episode(env, seed, rng):
    """Plays one episode with random actions; returns the list of step tuples."""
    obs, infos = env.reset(seed=seed)
    trace = [(obs, None, None, None, infos)]
    while env.agents:
        obs, rewards, terms, truncs, infos = env.step(random_actions(env, infos, rng))
        trace.append((obs, rewards, terms, truncs, infos))
    return trace
