"""Observation and action spaces.

gymnasium's ``Box`` and ``Discrete`` when gymnasium is importable (what
PettingZoo users expect); otherwise these minimal classes with the same
attributes and methods that marl's envs need: ``shape``, ``dtype``,
``low``/``high`` (Box), ``n``/``start`` (Discrete), ``sample(mask=None)``,
``contains(x)``, ``seed(seed)``, equality and ``repr``.
"""
from __future__ import annotations

import numpy as np

try:  # pragma: no cover - depends on the machine
    from gymnasium.spaces import Box, Discrete  # type: ignore

    USING_GYMNASIUM = True
except ImportError:
    USING_GYMNASIUM = False

    class _Space:
        def __init__(self, shape, dtype, seed=None):
            self.shape = tuple(int(d) for d in shape)
            self.dtype = np.dtype(dtype)
            self._np_random = np.random.default_rng(seed)

        @property
        def np_random(self):
            return self._np_random

        def seed(self, seed=None):
            self._np_random = np.random.default_rng(seed)
            return [seed]

        def __contains__(self, x):
            return self.contains(x)

    class Box(_Space):
        """A box in R^shape, bounds inclusive (gymnasium.spaces.Box's subset)."""

        def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
            dtype = np.dtype(dtype)
            if shape is None:
                shape = np.shape(low) if np.ndim(low) else np.shape(high)
            super().__init__(shape, dtype, seed)
            self.low = np.broadcast_to(np.asarray(low, dtype=dtype), self.shape).copy()
            self.high = np.broadcast_to(np.asarray(high, dtype=dtype), self.shape).copy()

        def sample(self, mask=None):
            if mask is not None:
                raise ValueError("Box.sample takes no mask")
            low = np.where(np.isfinite(self.low), self.low, -1e6)
            high = np.where(np.isfinite(self.high), self.high, 1e6)
            bounded = np.isfinite(self.low) & np.isfinite(self.high)
            draw = np.where(bounded, self.np_random.uniform(low, high, self.shape),
                            self.np_random.normal(size=self.shape))
            return np.clip(draw, self.low, self.high).astype(self.dtype)

        def contains(self, x):
            x = np.asarray(x)
            return (x.shape == self.shape and np.can_cast(x.dtype, self.dtype, "same_kind")
                    and bool(np.all(x >= self.low)) and bool(np.all(x <= self.high)))

        def __eq__(self, other):
            return (isinstance(other, Box) and self.shape == other.shape and self.dtype == other.dtype
                    and np.array_equal(self.low, other.low) and np.array_equal(self.high, other.high))

        def __repr__(self):
            lo = self.low.min() if self.low.size else 0
            hi = self.high.max() if self.high.size else 0
            return f"Box({lo}, {hi}, {self.shape}, {self.dtype})"

    class Discrete(_Space):
        """{start, ..., start + n - 1} (gymnasium.spaces.Discrete's subset)."""

        def __init__(self, n, seed=None, start=0):
            super().__init__((), np.int64, seed)
            self.n = int(n)
            self.start = int(start)

        def sample(self, mask=None):
            if mask is None:
                return self.start + int(self.np_random.integers(self.n))
            valid = np.flatnonzero(np.asarray(mask))
            if valid.size == 0:
                return self.start
            return self.start + int(self.np_random.choice(valid))

        def contains(self, x):
            if isinstance(x, (int, np.integer)) or (isinstance(x, np.ndarray) and x.shape == ()
                                                     and np.issubdtype(x.dtype, np.integer)):
                return self.start <= int(x) < self.start + self.n
            return False

        def __eq__(self, other):
            return isinstance(other, Discrete) and self.n == other.n and self.start == other.start

        def __repr__(self):
            return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"


def action_space_of(action: dict):
    """The space of one agent's action from the core's spec."""
    if action["kind"] == "discrete":
        return Discrete(action["n"])
    return Box(np.asarray(action["low"], np.float32), np.asarray(action["high"], np.float32), dtype=np.float32)


def observation_space_of(obs_shape) -> "Box":
    return Box(-np.inf, np.inf, shape=tuple(obs_shape), dtype=np.float32)
