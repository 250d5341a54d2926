"""A seeded run is the same from Python as from C++: marl_episode_trace (a
C++ program on the core's VectorEnv, tests/python/episode_trace.cpp) and the
Python module play the same seeds with the same action rule, and every
observation, reward and episode end must agree bit for bit."""
import os
import subprocess

import numpy as np
import pytest

from conftest import marl

TRACE = os.environ.get("MARL_EPISODE_TRACE")
CASES = [
    ("mpe", {"scenario": "simple_tag_v3"}, 3, 60),
    ("mpe", {"scenario": "simple_spread_v3", "continuous_actions": True}, 2, 30),
    ("hide_and_seek", {"scenario": "quadrant"}, 2, 90),
    ("matrix_games", {"game": "two_step"}, 4, 5),
]


def toml(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def cpp_trace(name, params, num_envs, seed, steps):
    if not TRACE:
        pytest.skip("MARL_EPISODE_TRACE is not set (run through ctest)")
    args = [TRACE, name, str(num_envs), str(seed), str(steps)] + [f"{k}={toml(v)}" for k, v in params.items()]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.splitlines()


def hexes(values):
    return " ".join(float(v).hex() for v in np.asarray(values, np.float32).ravel())


def rule_actions(env, t, avail):
    A, E = env.num_agents, env.num_envs
    discrete = np.zeros((A, E), np.int64)
    D = max([len(a["action"]["low"]) for a in env.spec["agents"]] + [1])
    box = np.zeros((A, E, D), np.float32)
    for a, agent in enumerate(env.spec["agents"]):
        space = agent["action"]
        for e in range(E):
            if space["kind"] == "discrete":
                x = (t * 31 + a * 7 + e * 3) % space["n"]
                if avail is not None:
                    while not avail[a, e, x]:
                        x = (x + 1) % space["n"]
                discrete[a, e] = x
            else:
                for d in range(len(space["low"])):
                    frac = np.float32((t + a + e + d) % 5) / np.float32(4.0)
                    lo, hi = np.float32(space["low"][d]), np.float32(space["high"][d])
                    box[a, e, d] = lo + (hi - lo) * frac
    return box if any(a["action"]["kind"] == "box" for a in env.spec["agents"]) else discrete


def python_trace(name, params, num_envs, seed, steps):
    env = marl.vector_env(name, num_envs, seed=seed, **params)
    obs, info = env.reset()
    lines = ["obs " + hexes(obs)]
    avail = info["avail"]
    for t in range(steps):
        obs, rewards, terminated, truncated, info = env.step(rule_actions(env, t, avail))
        avail = info["avail"]
        lines.append("reward " + hexes(rewards))
        lines.append("done " + " ".join(f"{int(a)}{int(b)}" for a, b in zip(terminated, truncated)))
        lines.append("obs " + hexes(obs))
    return lines


def normalise(line):
    # C's %a and Python's float.hex spell the same value differently (0x1p+0 / 0x1.0000000000000p+0).
    tag, *values = line.split()
    if tag == "done":
        return line
    return tag + " " + " ".join(repr(float.fromhex(v)) for v in values)


@pytest.mark.parametrize("name,params,num_envs,steps", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_python_plays_what_cpp_plays(name, params, num_envs, steps):
    seed = 17
    cpp = [normalise(l) for l in cpp_trace(name, params, num_envs, seed, steps)]
    py = [normalise(l) for l in python_trace(name, params, num_envs, seed, steps)]
    assert len(cpp) == len(py) == 1 + 3 * steps
    for i, (a, b) in enumerate(zip(cpp, py)):
        assert a == b, f"line {i} differs"


def test_parallel_env_plays_env_zero_of_the_vector_env():
    seed = 23
    vec = marl.vector_env("mpe", 1, seed=seed, scenario="simple_tag_v3")
    par = marl.parallel_env("mpe", scenario="simple_tag_v3")
    vobs, _ = vec.reset()
    pobs, _ = par.reset(seed=seed)
    for t in range(25):
        for i, agent in enumerate(par.possible_agents):
            n = par.observation_space(agent).shape[0]
            assert np.array_equal(vobs[i, 0, :n], pobs[agent])
        actions = np.array([[(t + i) % 5] for i in range(vec.num_agents)], np.int64)
        vobs, vrew, _, vtrunc, info = vec.step(actions)
        pobs, prew, _, ptrunc, _ = par.step({a: int(actions[i, 0]) for i, a in enumerate(par.possible_agents)})
        if vtrunc[0]:
            vobs = info["final_obs"]
        for i, agent in enumerate(par.possible_agents):
            assert np.float32(prew[agent]) == vrew[i, 0]
    assert par.agents == []
