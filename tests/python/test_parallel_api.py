"""PettingZoo's Parallel API contract, on every in-tree env plugin."""
import numpy as np
import pytest

from conftest import ENV_CASES, case_id, marl, play_episode, random_actions


@pytest.mark.parametrize("case", ENV_CASES, ids=case_id)
def test_parallel_api_contract(case):
    name, params = case
    env = marl.parallel_env(name, render_mode="ansi", **params)
    assert env.metadata["name"] == name
    assert env.metadata["is_parallelizable"] is True
    assert len(env.possible_agents) == len(set(env.possible_agents)) > 0
    assert env.max_num_agents == len(env.possible_agents)
    assert env.agents == []  # before reset
    for agent in env.possible_agents:
        assert env.observation_space(agent) is env.observation_spaces[agent]
        assert env.action_space(agent) is env.action_spaces[agent]

    rng = np.random.default_rng(0)
    obs, infos = env.reset(seed=7)
    assert set(obs) == set(env.agents) == set(infos)
    assert env.agents == env.possible_agents
    for agent, o in obs.items():
        assert o.dtype == np.float32
        assert env.observation_space(agent).contains(o)
    state = env.state()
    assert env.state_space.contains(state)
    assert isinstance(env.render(), str) and env.render()

    steps = 0
    limit = env.spec["episode_limit"]
    while env.agents:
        live = list(env.agents)
        actions = random_actions(env, infos, rng)
        obs, rewards, terms, truncs, infos = env.step(actions)
        steps += 1
        for d in (obs, rewards, terms, truncs, infos):
            assert set(d) == set(live)
        for agent in live:
            assert env.observation_space(agent).contains(obs[agent])
            assert isinstance(rewards[agent], float) and np.isfinite(rewards[agent])
            assert isinstance(terms[agent], bool) and isinstance(truncs[agent], bool)
            if "action_mask" in infos[agent]:
                assert infos[agent]["action_mask"].dtype == np.int8
        assert env.agents == [a for a in live if not (terms[a] or truncs[a])]
        assert steps <= limit
    # The episode's end: every agent was told, with the episode summary.
    assert all(terms[a] or truncs[a] for a in live)
    summary = infos[live[0]]["episode"]
    assert summary["length"] == steps
    assert set(summary["returns"]) == set(env.possible_agents)
    assert set(summary["metrics"]) == set(env.spec["episode_metrics"])
    with pytest.raises(marl.Error, match="reset"):
        env.step(actions)
    # A new episode after the end.
    obs, infos = env.reset()
    assert env.agents == env.possible_agents
    env.close()
    with pytest.raises(marl.Error, match="closed"):
        env.reset()


@pytest.mark.parametrize("case", ENV_CASES, ids=case_id)
def test_seeded_episodes_repeat(case):
    name, params = case
    env = marl.parallel_env(name, **params)
    first = play_episode(env, 11, np.random.default_rng(1))
    again = play_episode(env, 11, np.random.default_rng(1))
    other = play_episode(env, 12, np.random.default_rng(1))
    assert len(first) == len(again)
    for (o1, r1, *_), (o2, r2, *_) in zip(first, again):
        assert r1 == r2
        for agent in o1:
            assert np.array_equal(o1[agent], o2[agent])
    assert any(not np.array_equal(first[0][0][a], other[0][0][a]) for a in first[0][0]) or name == "matrix_games"


def test_unseeded_resets_continue_the_stream():
    env = marl.parallel_env("mpe")
    a0, _ = env.reset(seed=5)
    while env.agents:
        env.step({a: 0 for a in env.agents})
    a1, _ = env.reset()
    env.reset(seed=5)
    while env.agents:
        env.step({a: 1 for a in env.agents})
    b1, _ = env.reset()  # the stream's second episode does not depend on the actions
    assert np.array_equal(a1["agent_0"], b1["agent_0"])
    assert not np.array_equal(a0["agent_0"], a1["agent_0"])


def test_observations_are_copies():
    env = marl.parallel_env("mpe")
    obs, _ = env.reset(seed=1)
    kept = obs["agent_0"].copy()
    env.step({a: 1 for a in env.agents})
    assert np.array_equal(obs["agent_0"], kept)


def test_bad_parameters_raise_the_cli_message():
    with pytest.raises(marl.ConfigError) as bad_key:
        marl.parallel_env("mpe", fooo=1)
    assert "unknown key 'env.fooo' for env plugin 'mpe'" in str(bad_key.value)
    assert "Valid keys:" in str(bad_key.value)
    with pytest.raises(marl.ConfigError, match=r"key 'env.N' expects an integer in \[1, 64\]"):
        marl.parallel_env("mpe", N="three")
    with pytest.raises(marl.ConfigError, match="scenario"):
        marl.parallel_env("mpe", scenario="simple_nothing")
    with pytest.raises(ValueError):  # ConfigError is a ValueError
        marl.parallel_env("mpe", N=0)
    with pytest.raises(marl.PluginError, match="no env plugin named 'nope'"):
        marl.parallel_env("nope")
    with pytest.raises(marl.ConfigError, match="render_mode"):
        marl.parallel_env("mpe", render_mode="rgb_array")


def test_bad_actions_raise_with_the_agent_named():
    env = marl.parallel_env("mpe")
    env.reset(seed=1)
    with pytest.raises(marl.InvalidActionError, match="agent 1 \\('agent_1'\\).*outside its action space"):
        env.step({"agent_0": 0, "agent_1": 9, "agent_2": 0})
    with pytest.raises(KeyError, match="agent_2"):
        env.step({"agent_0": 0, "agent_1": 0})
    with pytest.raises(KeyError, match="unknown agent"):
        env.step({"agent_0": 0, "agent_1": 0, "agent_2": 0, "agent_9": 0})
    with pytest.raises(marl.InvalidActionError, match="one integer"):
        env.step({"agent_0": 0.5, "agent_1": 0, "agent_2": 0})
    cont = marl.parallel_env("mpe", continuous_actions=True)
    cont.reset(seed=1)
    with pytest.raises(marl.InvalidActionError, match="outside its box"):
        cont.step({a: np.full(5, 2.0, np.float32) for a in cont.agents})


def test_spaces_match_the_env_spec():
    env = marl.parallel_env("mpe", scenario="simple_tag_v3", continuous_actions=True)
    space = env.action_space("agent_0")
    assert space.shape == (5,)
    assert np.all(space.low == 0.0) and np.all(space.high == 1.0)
    assert env.observation_space("adversary_0").shape == (16,)
    hns = marl.parallel_env("hide_and_seek", scenario="quadrant", obs_mode="entities")
    assert [g["name"] for g in hns.spec["obs_layout"]]  # entity segments are described
    assert hns.action_space("hider_0").n > 1
