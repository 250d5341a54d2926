"""PettingZoo's Parallel API over one marl environment.

Built on the core's vector env with one env, so an episode seeded here is the
very episode the C++ side plays with the same seed (env 0 of a VectorEnv with
that seed). Observations returned are copies (safe to keep).

Seeding: ``reset(seed=s)`` restarts the env's episode stream from ``s``; a
later ``reset()`` without a seed plays the stream's next episode. An env never
seeded starts from a seed drawn from the operating system's entropy.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._loading import open_vector_env
from .spaces import Box, action_space_of, observation_space_of


class ParallelEnv:
    """``marl.parallel_env(name, **params)``: see the module docstring."""

    def __init__(self, name, render_mode=None, plugin_dirs=None, **params):
        if render_mode not in (None, "ansi", "human"):
            raise _core.ConfigError(f"marl.parallel_env({name!r}): render_mode must be None, 'ansi' or 'human', "
                                    f"got {render_mode!r}")
        self.render_mode = render_mode
        self._env = open_vector_env(name, params, 1, 1, 0, plugin_dirs, "marl.parallel_env")
        self._spec = self._env.spec()
        spec = self._spec
        self.possible_agents = [a["name"] for a in spec["agents"]]
        self.agents = []
        self._index = {name: i for i, name in enumerate(self.possible_agents)}
        self.observation_spaces = {a["name"]: observation_space_of(a["obs_shape"]) for a in spec["agents"]}
        self.action_spaces = {a["name"]: action_space_of(a["action"]) for a in spec["agents"]}
        self._obs_sizes = [int(np.prod(a["obs_shape"])) for a in spec["agents"]]
        state_size = int(np.prod(spec["state_shape"])) if spec["state_shape"] else sum(self._obs_sizes)
        self.state_space = Box(-np.inf, np.inf, shape=(state_size,), dtype=np.float32)
        self.metadata = {"name": spec["name"], "render_modes": ["ansi", "human"], "is_parallelizable": True}
        self._seeded = False
        self._stream = np.random.default_rng()
        self._started = False      # the handle holds an episode that has not been played yet
        self._live = False         # an episode is in progress
        self._obs = None

    # --- PettingZoo's attributes ------------------------------------------------
    @property
    def num_agents(self):
        return len(self.agents)

    @property
    def max_num_agents(self):
        return len(self.possible_agents)

    @property
    def unwrapped(self):
        return self

    @property
    def spec(self):
        """The core's EnvSpec as a dict (teams, agents, obs_layout, episode metrics, ...)."""
        return self._spec

    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    # --- episodes --------------------------------------------------------------
    def reset(self, seed=None, options=None):
        if options:
            raise _core.ConfigError(f"marl.parallel_env({self._spec['name']!r}).reset: options are not "
                                    f"supported (got {sorted(options)}); pass env parameters to parallel_env")
        env = self._handle()
        if seed is not None:
            env.reseed(int(seed))
            self._seeded = True
        elif not self._seeded:
            env.reseed(int(self._stream.integers(0, 2**63)))
            self._seeded = True
        elif self._live:
            # Mid-episode: the next episode of the stream is only reached at
            # the end of this one, so continue from a seed derived from it.
            env.reseed(int(self._stream_after()))
        # else: the auto-reset already holds the stream's next episode.
        self._live = True
        self.agents = list(self.possible_agents)
        active = env.active()
        if active is not None:
            self.agents = [a for a in self.possible_agents if active[self._index[a], 0]]
        obs = env.obs()
        avail = env.avail()
        return self._observations(obs, self.agents), self._infos(avail, self.agents)

    def step(self, actions):
        if not self._live:
            raise _core.Error("step() called without an episode in progress: call reset() first")
        env = self._handle()
        self._write_actions(env, actions)
        env.step()
        ended = bool(env.terminated()[0] or env.truncated()[0])
        rewards_all = env.reward()
        was_live = self.agents
        if ended:
            obs, avail, active = env.final_obs(), env.final_avail(), env.final_active()
        else:
            obs, avail, active = env.obs(), env.avail(), env.active()
        observations = self._observations(obs, was_live)
        rewards = {a: float(rewards_all[self._index[a], 0]) for a in was_live}
        terminated = bool(env.terminated()[0])
        truncated = bool(env.truncated()[0])
        terminations, truncations = {}, {}
        for a in was_live:
            died = active is not None and not active[self._index[a], 0]
            terminations[a] = terminated or died
            truncations[a] = truncated and not died
        infos = self._infos(avail, was_live)
        if ended:
            for record in env.finished_episodes():
                episode = {"length": record["length"], "metrics": record["metrics"],
                           "returns": {a: record["agent_returns"][self._index[a]] for a in self.possible_agents}}
                for a in was_live:
                    infos[a]["episode"] = episode
            self.agents = []
            self._live = False
        else:
            self.agents = [a for a in was_live if not terminations[a]]
        return observations, rewards, terminations, truncations, infos

    def state(self):
        env = self._handle()
        state = env.state()
        if state is not None:
            return np.array(state[0], dtype=np.float32)
        obs = env.obs()
        return np.concatenate([obs[i, 0, :n] for i, n in enumerate(self._obs_sizes)]).astype(np.float32)

    def render(self):
        if self.render_mode is None:
            return None
        text = self._handle().render(0)
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self):
        self._env = None
        self.agents = []
        self._live = False

    # --- internals -------------------------------------------------------------
    def _handle(self):
        if self._env is None:
            raise _core.Error("the env is closed")
        return self._env

    def _stream_after(self):
        return self._stream.integers(0, 2**63)

    def _observations(self, obs, agents):
        out = {}
        for a in agents:
            i = self._index[a]
            shape = self.observation_spaces[a].shape
            out[a] = np.array(obs[i, 0, : self._obs_sizes[i]], dtype=np.float32).reshape(shape)
        return out

    def _infos(self, avail, agents):
        infos = {a: {} for a in agents}
        if avail is not None:
            for a in agents:
                i = self._index[a]
                n = self.action_spaces[a].n
                infos[a]["action_mask"] = np.array(avail[i, 0, :n], dtype=np.int8)
        return infos

    def _write_actions(self, env, actions):
        discrete = env.discrete_actions()
        continuous = env.continuous_actions()
        for name in actions:
            if name not in self._index:
                raise KeyError(f"action for unknown agent {name!r}; agents are {self.possible_agents}")
        avail = env.avail()
        for a in self.possible_agents:
            i = self._index[a]
            space = self.action_spaces[a]
            live = a in self.agents
            if live and a not in actions:
                raise KeyError(f"no action for live agent {a!r}; step() needs one for each of {self.agents}")
            if isinstance(space, Box) or not hasattr(space, "n"):
                if live:
                    value = np.asarray(actions[a], dtype=np.float32).reshape(-1)
                    if value.shape != (space.shape[0],):
                        raise _core.InvalidActionError(
                            f"action for agent {a!r} has {value.size} values; its space is {space}")
                else:
                    value = np.asarray(space.low, dtype=np.float32)
                continuous[i, 0, : value.size] = value
            else:
                if live:
                    value = actions[a]
                    if np.ndim(value) != 0 or not float(value).is_integer():
                        raise _core.InvalidActionError(f"action for agent {a!r} must be one integer, got {value!r}")
                    discrete[i, 0] = int(value)
                else:
                    # An agent that is out still needs a valid action (the env ignores it).
                    discrete[i, 0] = int(np.argmax(avail[i, 0])) if avail is not None else 0
