#!/usr/bin/env python3
"""Env steps per second from Python: marl's MPE (parallel_env and vector_env)
beside PettingZoo's own simple_spread_v3 and simple_tag_v3, random actions, one
thread, in one sitting.

    PYTHONPATH=build/python python3 bench/python_env_speed.py [--seconds 3]

PettingZoo is measured when `import pettingzoo.mpe` works (PettingZoo 1.25
with Gymnasium on PYTHONPATH); otherwise its rows say so. Action sampling is
done up front so the figures time the envs and their APIs, not numpy's
generator.
"""
import argparse
import time

import numpy as np

import marl


def timed(step_fn, reset_fn, seconds):
    """Runs step_fn until `seconds` pass; returns env steps (agent-steps / agents) per second."""
    reset_fn()
    steps = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            steps += step_fn()
        now = time.perf_counter()
        if now >= deadline:
            return steps / (now - start)


def parallel_api(env, seconds):
    """Steps a PettingZoo-style ParallelEnv (marl's or PettingZoo's) with pre-drawn actions."""
    rng = np.random.default_rng(0)
    names = list(env.possible_agents)
    table = rng.integers(0, 5, size=(4096, len(names)))
    t = [0]

    def step():
        row = table[t[0] % 4096]
        t[0] += 1
        env.step({a: int(row[i]) for i, a in enumerate(names)})
        if not env.agents:
            env.reset()
        return 1

    return timed(step, lambda: env.reset(seed=0), seconds)


def marl_parallel(scenario, seconds):
    return parallel_api(marl.parallel_env("mpe", scenario=scenario), seconds)


def marl_vector(scenario, num_envs, seconds):
    env = marl.vector_env("mpe", num_envs, seed=0, scenario=scenario)
    rng = np.random.default_rng(0)
    table = rng.integers(0, 5, size=(64, env.num_agents, num_envs))
    t = [0]

    def step():
        env.step(table[t[0] % 64])
        t[0] += 1
        return num_envs

    return timed(step, env.reset, seconds)


def pettingzoo_parallel(scenario, seconds):
    import importlib
    import warnings

    warnings.filterwarnings("ignore")
    module = importlib.import_module("pettingzoo.mpe." + scenario)
    return parallel_api(module.parallel_env(), seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print("| scenario | PettingZoo parallel_env | marl.parallel_env | marl.vector_env, 1 env | 64 envs | 1,024 envs |")
    print("|---|---|---|---|---|---|")
    for scenario in ("simple_spread_v3", "simple_tag_v3"):
        try:
            pz = f"{pettingzoo_parallel(scenario, args.seconds):,.0f}"
        except ImportError as e:
            pz = f"not importable ({e.name})"
        row = [pz, f"{marl_parallel(scenario, args.seconds):,.0f}"]
        row += [f"{marl_vector(scenario, n, args.seconds):,.0f}" for n in (1, 64, 1024)]
        print(f"| {scenario} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
