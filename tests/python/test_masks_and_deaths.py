"""Action masks and agents that stop acting, through PettingZoo's API, on the
loader's fixture env (tests/fixtures/fixture_ok_env.cpp: mask_action,
die_at_step), found with plugin_dirs= as a user's own plugin would be."""
import os

import numpy as np
import pytest

from conftest import marl

FIXTURES = os.environ.get("MARL_FIXTURE_DIR")
pytestmark = pytest.mark.skipif(not FIXTURES, reason="MARL_FIXTURE_DIR is not set (run through ctest)")


def test_action_masks_are_in_infos_and_enforced():
    env = marl.parallel_env("fixture_ok", plugin_dirs=[FIXTURES], mask_action=1, steps=4)
    obs, infos = env.reset(seed=3)
    for agent in env.agents:
        assert infos[agent]["action_mask"].tolist() == [1, 0, 1]
        assert infos[agent]["action_mask"].dtype == np.int8
    sampled = {a: env.action_space(a).sample(infos[a]["action_mask"]) for a in env.agents}
    assert all(v in (0, 2) for v in sampled.values())
    with pytest.raises(marl.InvalidActionError, match="masked as unavailable"):
        env.step({"agent_0": 1, "agent_1": 0})
    obs, rewards, terms, truncs, infos = env.step({"agent_0": 2, "agent_1": 2})
    assert rewards == {"agent_0": 1.0, "agent_1": 1.0}
    assert infos["agent_1"]["action_mask"].tolist() == [1, 0, 1]


def test_an_agent_that_stops_acting_leaves_agents():
    env = marl.parallel_env("fixture_ok", plugin_dirs=[FIXTURES], die_at_step=2, steps=5)
    env.reset(seed=1)
    assert env.agents == ["agent_0", "agent_1"]
    _, _, terms, truncs, _ = env.step({"agent_0": 0, "agent_1": 0})
    assert terms == {"agent_0": False, "agent_1": False}
    _, rewards, terms, truncs, _ = env.step({"agent_0": 0, "agent_1": 0})
    assert terms == {"agent_0": True, "agent_1": False}  # agent_0 stopped after step 2
    assert env.agents == ["agent_1"]
    steps = 2
    while env.agents:
        obs, rewards, terms, truncs, infos = env.step({"agent_1": 1})  # agent_0 needs no action now
        steps += 1
        assert set(obs) == {"agent_1"}
    assert steps == 5 and truncs == {"agent_1": True}
    assert infos["agent_1"]["episode"]["length"] == 5


def test_a_plugin_file_path_works_as_a_name():
    path = os.path.join(FIXTURES, "libmarl_env_fixture_ok.so")
    env = marl.parallel_env(path, agents=3)
    assert env.possible_agents == ["agent_0", "agent_1", "agent_2"]
