r"""The classical contrast of the source-drain wire paper: an Ohmic wire (Kirchhoff's laws,
Fig. 1 and App. D) and the two-species master equation with sources and drains at chosen
sites (App. C 2).

Sites are numbered l = 1..N as in the paper (:class:`~manybody.models.ClassicalWire` is
the master equation with a source or drain on every bulk site).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import _validate
from .wire import _sites


def _placement(sources: object, drains: object, N: int) -> tuple[tuple[int, ...], ...]:
    """Validated (sources, drains): disjoint, as many of each, sites 2..N-1."""
    src, drn = _sites("sources", sources, N), _sites("drains", drains, N)
    if set(src) & set(drn) or len(src) != len(drn):
        raise ValueError(f"sources and drains must be disjoint and as many, got {src}, {drn}")
    return src, drn


def _injection(N: int, sources: tuple[int, ...], drains: tuple[int, ...]) -> np.ndarray:
    """Per site l = 1..N: +1 at a source, -1 at a drain, 0 elsewhere."""
    s = np.zeros(N)
    s[np.array(sources, dtype=int) - 1] = 1.0
    s[np.array(drains, dtype=int) - 1] = -1.0
    return s


@dataclass(frozen=True)
class ResistiveWire:
    r"""An Ohmic wire with current sources and drains, the circuits of Fig. 1 and App. D.

    Nodes l = 1..N at x = la; node 1 is held at voltage V, node N at 0 (reverse bias:
    V < 0). The N - 1 segments between consecutive nodes each have resistance R/(N - 1)
    (:math:`a/\sigma` with :math:`R = L/\sigma`, L = (N-1)a). A source injects and a drain
    draws the current :math:`I_g` at its node. Fig. 1(a) is N = 4, ``sources=(2,)``,
    ``drains=(3,)``; Fig. 1(b) N = 6, S D D S; Fig. 1(c) N = 6, S D S D; App. D every bulk
    node, sources at even l.

    Parameters
    ----------
    N : int
        Number of nodes, >= 3.
    V : float
        Voltage of node 1 (node N is grounded).
    I_g : float
        Current of each source and drain.
    sources, drains : tuple of int, optional
        Nodes 2..N-1, as many of each; default every bulk node, sources at even l (N even).
    R : float
        Total resistance of the wire, > 0.
    """

    N: int
    V: float
    I_g: float
    sources: tuple[int, ...] | None = None
    drains: tuple[int, ...] | None = None
    R: float = 1.0
    name = "resistive-wire"

    def __post_init__(self):
        N = _validate.integer("N", self.N, 3)
        object.__setattr__(self, "N", N)
        for name in ("V", "I_g"):
            object.__setattr__(self, name, _validate.real(name, getattr(self, name)))
        object.__setattr__(self, "R", _validate.real("R", self.R, 0.0, open_lo=True))
        if (self.sources is None) != (self.drains is None):
            raise ValueError("give sources and drains together, or neither")
        if self.sources is None:
            if N % 2:
                raise ValueError(f"N must be even for the default alternating sources and "
                                 f"drains, got {N}; give sources and drains explicitly")
            src, drn = tuple(range(2, N - 1, 2)), tuple(range(3, N, 2))
        else:
            src, drn = _placement(self.sources, self.drains, N)
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    @property
    def injection(self) -> np.ndarray:
        """Current into each node l = 1..N from its source (+I_g) or drain (-I_g)."""
        return self.I_g * _injection(self.N, self.sources, self.drains)

    def reversed(self) -> ResistiveWire:
        """The same circuit under the reverse bias."""
        return replace(self, V=-self.V)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "V": self.V, "I_g": self.I_g,
                "sources": list(self.sources), "drains": list(self.drains), "R": self.R}


@dataclass(frozen=True)
class ClassicalContactWire:
    r"""Two-species master equation (Eqs. 1-5) with sources and drains at chosen sites.

    The movers convert into each other (probability 1 - p) only at the sites of a source or
    drain and hop on from there with probability p; at every other site they all hop on.
    This is App. C 2 (Eqs. C15-C18) for one source at l = 2 and one drain at l = N-1
    (:meth:`single_pair`), and Eqs. (1)-(5) (:class:`~manybody.models.ClassicalWire`) when
    every bulk site holds one, sources at even l. Reservoirs and bias as in ClassicalWire:
    :math:`\rho^\pm(0) = \rho_0 + \delta\rho`, :math:`\rho^\pm(N+1) = \rho_0` for
    ``delta_rho >= 0``, swapped for ``delta_rho < 0``.

    Parameters
    ----------
    N : int
        Number of sites, >= 4.
    p : float
        Hopping probability in (0, 1] at the source and drain sites.
    delta_rho : float
        Reservoir density difference; its sign is the bias direction.
    I_g : float
        Current injected by each source and drawn by each drain (half into each species).
    sources, drains : tuple of int
        Sites 2..N-1, disjoint, as many of each.
    rho0 : float
        Background density (drops out of all currents).
    """

    N: int
    p: float
    delta_rho: float
    I_g: float
    sources: tuple[int, ...]
    drains: tuple[int, ...]
    rho0: float = 1.0
    name = "classical-contact-wire"

    def __post_init__(self):
        N = _validate.integer("N", self.N, 4)
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "p", _validate.real("p", self.p, 0.0, 1.0, open_lo=True))
        for name in ("delta_rho", "I_g", "rho0"):
            object.__setattr__(self, name, _validate.real(name, getattr(self, name)))
        src, drn = _placement(self.sources, self.drains, N)
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    @classmethod
    def single_pair(cls, N: int, p: float, delta_rho: float, I_g: float,
                    rho0: float = 1.0) -> ClassicalContactWire:
        """App. C 2: one source at l = 2 and one drain at l = N - 1."""
        N = _validate.integer("N", N, 4)
        return cls(N, p, delta_rho, I_g, sources=(2,), drains=(N - 1,), rho0=rho0)

    @property
    def injection(self) -> np.ndarray:
        """+1 at each source, -1 at each drain, 0 elsewhere (sites 1..N)."""
        return _injection(self.N, self.sources, self.drains)

    def reversed(self) -> ClassicalContactWire:
        """The same wire under the reverse bias."""
        return replace(self, delta_rho=-self.delta_rho)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "p": self.p, "delta_rho": self.delta_rho,
                "I_g": self.I_g, "sources": list(self.sources), "drains": list(self.drains),
                "rho0": self.rho0}
