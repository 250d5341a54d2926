"""PettingZoo's recorded MPE episodes (plugins/mpe/tests/data, or
MARL_REFERENCE_DIR/mpe), replayed through the Python module: the recorded
start layout (start_* keys) and actions give the recorded observations and
rewards bit for bit, as the C++ replay test demands."""
import json
import os

import numpy as np
import pytest

from conftest import SOURCE_DIR, marl

FILES = ["simple_spread_v3", "simple_tag_v3", "simple_reference_v3", "simple_spread_v3_continuous",
         "simple_tag_v3_continuous", "simple_reference_v3_continuous"]


def recording(stem):
    override = os.environ.get("MARL_REFERENCE_DIR")
    path = (os.path.join(override, "mpe", stem + ".jsonl") if override
            else os.path.join(SOURCE_DIR, "plugins", "mpe", "tests", "data", stem + ".jsonl"))
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def env_for(episode):
    config = episode["config"]
    params = {"scenario": episode["scenario"]}
    for key in ("N", "num_good", "num_adversaries", "num_obstacles", "max_cycles", "continuous_actions"):
        if key in config:
            params[key] = config[key]
    if "local_ratio" in config:
        params["local_ratio"] = float(config["local_ratio"])
    init = episode["init"]
    params["start_agent_pos"] = [x for a in init["agents"] for x in a["p_pos"]]
    params["start_landmark_pos"] = [x for l in init["landmarks"] for x in l["p_pos"]]
    if "goals" in init:
        params["start_goal_landmarks"] = [init["goals"][a["name"]]["goal_b_landmark"] for a in init["agents"]]
    assert all(v == 0.0 for a in init["agents"] for v in a["p_vel"] + a["c"])  # what reset gives
    return marl.parallel_env("mpe", **params)


def as_f32(values):
    return np.asarray(values, dtype=np.float64).astype(np.float32)


@pytest.mark.parametrize("stem", FILES)
def test_recordings_replay_bit_for_bit(stem):
    episodes = recording(stem)
    assert len(episodes) == 8
    compared = 0
    for episode in episodes:
        env = env_for(episode)
        obs, _ = env.reset(seed=episode["seed"])
        for agent, want in episode["reset_obs"].items():
            assert np.array_equal(obs[agent].view(np.uint32), as_f32(want).view(np.uint32)), (stem, agent)
        for t, step in enumerate(episode["steps"]):
            actions = {}
            for agent, a in step["actions"].items():
                actions[agent] = as_f32(a) if isinstance(a, list) else int(a)
            obs, rewards, terms, truncs, _ = env.step(actions)
            where = f"{stem} seed={episode['seed']} step {t}"
            for agent, want in step["obs"].items():
                assert np.array_equal(obs[agent].view(np.uint32), as_f32(want).view(np.uint32)), (where, agent)
                compared += len(want)
            for agent, want in step["rewards"].items():
                # The core's rewards are float32 (the batch); the recording's doubles rounded the same way.
                assert np.float32(rewards[agent]) == np.float32(want), (where, agent, rewards[agent], want)
                compared += 1
            assert truncs == step["truncations"], where
            assert terms == step["terminations"], where
        assert env.agents == []
    assert compared > 1000
