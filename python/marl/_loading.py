"""Opening an env plugin by name with parameters given as Python values."""
from __future__ import annotations

import json
import math
import os

from . import _core


def toml_value(value, key):
    """``value`` in TOML syntax, as ``marl run --set env.key=value`` takes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)  # the shortest string that reads back as the same double
        return text if any(c in text for c in ".eEn") else text + ".0"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return toml_value(value.tolist(), key)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v, key) for v in value) + "]"
    raise _core.ConfigError(f"parameter '{key}': {type(value).__name__} values are not supported "
                            "(use bool, int, float, str or a list of them)")


def plugin_dirs(extra):
    """Where plugins are looked for besides the core's default path
    (MARL_PLUGIN_PATH, then the build tree when marl runs from it)."""
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [str(d) for d in (extra or [])]
    if os.path.realpath(here) == os.path.realpath(_core.BUILD_PACKAGE_DIR):
        dirs.append(_core.BUILD_PLUGIN_DIR)
    dirs.append(os.path.normpath(os.path.join(here, _core.INSTALL_PLUGIN_DIR_FROM_PACKAGE)))
    return dirs


def open_vector_env(name, params, num_envs, threads, seed, extra_dirs, caller):
    sets = [f"{key}={toml_value(value, key)}" for key, value in params.items()]
    source = f"{caller}({name!r})"
    if isinstance(seed, bool) or not isinstance(seed, (int,)) and not hasattr(seed, "__index__"):
        raise _core.ConfigError(f"{source}: seed must be an integer, got {seed!r}")
    seed = int(seed)
    if not 0 <= seed < 2**64:
        raise _core.ConfigError(f"{source}: seed must be in [0, 2^64), got {seed}")
    return _core.VectorEnv(name, sets, source, int(num_envs), int(threads), seed, plugin_dirs(extra_dirs))
