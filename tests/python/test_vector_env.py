"""marl.vector_env: the core's batch layout, views without copies, auto-reset."""
import numpy as np
import pytest

from conftest import marl


def test_layout_and_views():
    env = marl.vector_env("mpe", 6, seed=3)
    assert env.num_envs == 6 and env.num_agents == 3
    obs, info = env.reset()
    assert obs.shape == (3, 6, 18) and obs.dtype == np.float32
    assert not obs.flags.writeable  # a view of the core's buffer
    assert info["state"].shape == (6, 54)
    assert env.actions.shape == (3, 6) and env.actions.flags.writeable
    # The same memory on every call: nothing is copied.
    obs2 = env.step(np.zeros((3, 6), np.int64))[0]
    assert obs2.__array_interface__["data"][0] == obs.__array_interface__["data"][0]


def test_auto_reset_keeps_the_final_observation():
    env = marl.vector_env("mpe", 4, seed=1, max_cycles=5)
    env.reset()
    for t in range(5):
        env.actions[:] = t % 5
        obs, rewards, terminated, truncated, info = env.step()
        if t < 4:
            assert not truncated.any() and info["episodes"] == []
    assert truncated.all() and not terminated.any()
    assert len(info["episodes"]) == 4
    assert sorted(e["env"] for e in info["episodes"]) == [0, 1, 2, 3]
    assert all(e["length"] == 5 for e in info["episodes"])
    # obs already shows the next episode; final_obs the end of the last one.
    assert not np.array_equal(obs, info["final_obs"])
    assert rewards.shape == (3, 4)


def test_threads_do_not_change_results():
    def play(threads):
        env = marl.vector_env("hide_and_seek", 8, threads=threads, seed=9, scenario="quadrant")
        env.reset()
        rng = np.random.default_rng(0)
        n = env.action_spaces["hider_0"].n
        out = []
        for _ in range(100):
            obs, rewards, *_ = env.step(rng.integers(0, n, size=(4, 8)))
            out.append((obs.copy(), rewards.copy()))
        return out

    for (o1, r1), (o2, r2) in zip(play(1), play(2)):
        assert np.array_equal(o1, o2) and np.array_equal(r1, r2)


def test_reseeding_restarts_the_streams():
    env = marl.vector_env("mpe", 3, seed=4)
    first, _ = env.reset()
    first = first.copy()
    env.step(np.ones((3, 3), np.int64))
    again, _ = env.reset(seed=4)
    assert np.array_equal(first, again)
    other, _ = env.reset(seed=5)
    assert not np.array_equal(first, other)


def test_continuous_actions_and_errors():
    env = marl.vector_env("mpe", 2, continuous_actions=True)
    env.reset()
    obs, rewards, *_ = env.step(np.full((3, 2, 5), 0.5, np.float32))
    assert np.isfinite(rewards).all()
    with pytest.raises(marl.InvalidActionError, match="outside its box"):
        env.step(np.full((3, 2, 5), 1.5, np.float32))
    discrete = marl.vector_env("mpe", 2)
    with pytest.raises(marl.Error, match="before reset"):
        discrete.step(np.zeros((3, 2), np.int64))
    discrete.reset()
    with pytest.raises(marl.InvalidActionError, match="shape"):
        discrete.step(np.zeros((2, 3), np.int64))
    with pytest.raises(marl.InvalidActionError, match="in env 1"):
        discrete.step(np.array([[0, 0], [0, 7], [0, 0]]))
    with pytest.raises(marl.ConfigError, match="num_envs"):
        marl.vector_env("mpe", 0)
