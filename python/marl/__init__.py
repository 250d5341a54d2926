"""marl's environments from Python.

    import marl
    env = marl.parallel_env("hide_and_seek", scenario="quadrant", n_hiders=2)
    obs, infos = env.reset(seed=1)
    obs, rewards, terminations, truncations, infos = env.step(
        {a: env.action_space(a).sample(infos[a].get("action_mask")) for a in env.agents})

``parallel_env`` follows PettingZoo's Parallel API; ``vector_env`` steps many
copies as one batch with numpy views of the core's buffers. Both load env
plugins through the same loader and parameter validation as the ``marl``
command line (MARL_PLUGIN_PATH, the build or install tree, ``plugin_dirs=``),
so a user's own env plugin works too. See docs/python.md.
"""
from ._core import ABI_VERSION, ConfigError, Error, InvalidActionError, PluginError
from .parallel_env import ParallelEnv
from .spaces import USING_GYMNASIUM, Box, Discrete
from .vector_env import VectorEnv

__all__ = ["parallel_env", "vector_env", "ParallelEnv", "VectorEnv", "Box", "Discrete", "Error", "ConfigError",
           "PluginError", "InvalidActionError", "ABI_VERSION", "USING_GYMNASIUM"]


def parallel_env(name, render_mode=None, plugin_dirs=None, **params):
    """A PettingZoo ParallelEnv over env plugin ``name`` (a name, or a path to a
    plugin file) with ``params`` as its [env] keys."""
    return ParallelEnv(name, render_mode=render_mode, plugin_dirs=plugin_dirs, **params)


def vector_env(name, num_envs, threads=1, seed=0, plugin_dirs=None, **params):
    """``num_envs`` copies of env plugin ``name`` stepped as one batch on
    ``threads`` threads (0: all cores)."""
    return VectorEnv(name, num_envs, threads=threads, seed=seed, plugin_dirs=plugin_dirs, **params)
