"""N copies of a marl environment stepped as one batch, for speed.

Arrays are laid out as the core's batch (marl/batch.h), agent-major, and are
views of the core's own buffers, not copies: ``obs`` is ``[agents, envs,
obs_width]`` float32 (observations narrower than ``obs_width`` are
zero-padded), ``rewards`` ``[agents, envs]``, ``terminated``/``truncated``
``[envs]``. They are read-only and the next ``step()`` overwrites them: copy
what you keep. Ended envs are reset automatically, as in the core: the
returned ``obs`` rows of an ended env already start its next episode, and
``info["final_obs"]`` holds the last observation of the one that ended.

Actions: pass an array to ``step(actions)`` (``[agents, envs]`` integers for
discrete agents, ``[agents, envs, action_dim]`` floats for box agents), or
write them in place into ``env.actions`` and call ``step()``.

Episode ``k`` of env ``e`` is seeded from ``(seed, e, k)`` exactly as in
``marl run``, whatever ``threads`` is.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._loading import open_vector_env
from .spaces import action_space_of, observation_space_of


class VectorEnv:
    """``marl.vector_env(name, num_envs, threads=1, seed=0, **params)``."""

    def __init__(self, name, num_envs, threads=1, seed=0, plugin_dirs=None, **params):
        self._env = open_vector_env(name, params, num_envs, threads, seed, plugin_dirs, "marl.vector_env")
        self.spec = self._env.spec()
        self.num_envs = self._env.num_envs
        self.num_agents = self._env.num_agents
        self.agents = [a["name"] for a in self.spec["agents"]]
        self.observation_spaces = {a["name"]: observation_space_of(a["obs_shape"]) for a in self.spec["agents"]}
        self.action_spaces = {a["name"]: action_space_of(a["action"]) for a in self.spec["agents"]}
        self._discrete = self._env.discrete_actions()
        self._continuous = self._env.continuous_actions()
        self._box = [a["action"]["kind"] == "box" for a in self.spec["agents"]]
        self._all_discrete = not any(self._box)
        self._reset_done = False

    @property
    def actions(self):
        """The action buffer (writable): ``[agents, envs]`` int64, or for box
        agents ``continuous_actions`` ``[agents, envs, action_dim]`` float32."""
        return self._discrete

    @property
    def continuous_actions(self):
        return self._continuous

    def reset(self, seed=None):
        """Starts every env's episode stream (from ``seed`` if given); returns
        ``(obs, info)`` with ``info = {"avail": ..., "active": ..., "state": ...}``."""
        if seed is not None:
            self._env.reseed(int(seed))
        else:
            self._env.reset()
        self._reset_done = True
        return self._env.obs(), {"avail": self._env.avail(), "active": self._env.active(), "state": self._env.state()}

    def step(self, actions=None):
        """Returns ``(obs, rewards, terminated, truncated, info)``; ``info`` holds
        ``avail``, ``active``, ``state``, ``final_obs``, ``final_state``,
        ``final_avail``, ``final_active`` and the ``episodes`` that ended
        (dicts: env, length, agent_returns, metrics, terminated)."""
        if not self._reset_done:
            raise _core.Error("step() called before reset()")
        if actions is not None:
            self._write(actions)
        self._env.step()
        env = self._env
        info = {"avail": env.avail(), "active": env.active(), "state": env.state(),
                "final_obs": env.final_obs(), "final_state": env.final_state(),
                "final_avail": env.final_avail(), "final_active": env.final_active(),
                "episodes": env.finished_episodes()}
        return env.obs(), env.reward(), env.terminated(), env.truncated(), info

    def render(self, env=0):
        return self._env.render(env)

    def close(self):
        self._env = None

    def _write(self, actions):
        actions = np.asarray(actions)
        A, E = self.num_agents, self.num_envs
        if self._all_discrete:
            if actions.shape != (A, E):
                raise _core.InvalidActionError(f"actions must have shape (agents, envs) = ({A}, {E}), "
                                               f"got {actions.shape}")
            if not np.issubdtype(actions.dtype, np.integer):
                raise _core.InvalidActionError(f"discrete actions must be integers, got dtype {actions.dtype}")
            np.copyto(self._discrete, actions, casting="unsafe")
            return
        D = self._continuous.shape[2]
        if actions.ndim != 3 or actions.shape[:2] != (A, E) or actions.shape[2] > D:
            raise _core.InvalidActionError(f"actions must have shape (agents, envs, action_dim) = ({A}, {E}, {D}), "
                                           f"got {actions.shape}")
        for i, box in enumerate(self._box):
            if box:
                self._continuous[i, :, : actions.shape[2]] = actions[i]
            else:
                self._discrete[i] = actions[i, :, 0].astype(np.int64)
