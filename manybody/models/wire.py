r"""A wire with sources and drains of charge in its bulk: the classical master equation, the
Ohmic circuit and the quantum tight-binding wire.

Models of "Nonreciprocal charge transport in a wire with sources and drains in the bulk"
(the paper text is in ``/work/shared/papers/nonreciprocal_wire_sources_drains.txt``).
Sites are numbered l = 1..N as in the paper; units e = v_F = a = tau = 1 (classical) and
:math:`e = \hbar = \gamma_o = 1` (quantum). Every model places its sources and drains with
:func:`placement` and offers them as :class:`Placed` does.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from .. import _validate


def placement(N: int, sources: object, drains: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Validated (sources, drains) of a wire with sites 1..N.

    Neither given (both None): every bulk site, sources at even l and drains at odd l, which
    needs N even (N/2 - 1 source-drain dimers). Both given: any disjoint sets of sites
    2..N-1 with as many sources as drains (numpy integers accepted).
    """
    if (sources is None) != (drains is None):
        raise ValueError("give sources and drains together, or neither")
    if sources is None:
        if N % 2:
            raise ValueError(f"N must be even for the default alternating sources and drains "
                             f"(N/2 - 1 source-drain dimers), got {N}; give sources and drains "
                             f"explicitly")
        return tuple(range(2, N - 1, 2)), tuple(range(3, N, 2))
    src, drn = _sites("sources", sources, N), _sites("drains", drains, N)
    if set(src) & set(drn) or len(src) != len(drn):
        raise ValueError(f"sources and drains must be disjoint and as many, got {src}, {drn}")
    return src, drn


class Placed:
    """What a wire's sources and drains (fields ``N``, ``I_g``, ``sources``, ``drains``, set by
    :func:`placement`) offer its solvers."""

    N: int
    I_g: float
    sources: tuple[int, ...]
    drains: tuple[int, ...]

    @property
    def contacts(self) -> tuple[int, ...]:
        """Sites with a source or drain, in increasing order."""
        return tuple(sorted(self.sources + self.drains))

    @property
    def injection(self) -> np.ndarray:
        """Current into each site l = 1..N from its source (+I_g) or drain (-I_g), else 0."""
        s = np.zeros(self.N)
        s[np.array(self.sources, dtype=int) - 1] = self.I_g
        s[np.array(self.drains, dtype=int) - 1] = -self.I_g
        return s


@dataclass(frozen=True)
class ClassicalWire(Placed):
    r"""Two-species (right/left mover) master equation on N sites, Eqs. (1)-(5), App. C 2.

    At a site with a source (injects :math:`I_g`, half into each species) or a drain (draws
    :math:`I_g`) the movers hop on with probability p and convert into each other with
    probability 1 - p; at every other site they all hop on. Default: every bulk site holds
    one, sources at even l (Eqs. 1-5); :meth:`single_pair` is App. C 2 (Eqs. C15-C18).
    Reservoirs: :math:`\rho^\pm(0) = \rho_0 + \delta\rho`, :math:`\rho^\pm(N+1) = \rho_0`
    for ``delta_rho >= 0`` (forward bias); for ``delta_rho < 0`` the paper's reverse bias,
    :math:`\rho^\pm(0) = \rho_0`, :math:`\rho^\pm(N+1) = \rho_0 + |\delta\rho|`.

    Parameters
    ----------
    N : int
        Number of sites, >= 4 (even for the default placement: N/2 - 1 source-drain dimers).
    p : float
        Hopping probability p in (0, 1] at the sources and drains; the scattering length is
        :math:`l_c = a/(1-p)`.
    delta_rho : float
        Reservoir density difference; its sign is the bias direction.
    I_g : float
        Current injected by each source and drawn by each drain.
    rho0 : float
        Background density :math:`\rho_0` (drops out of all currents).
    sources, drains : tuple of int, optional
        Sites 2..N-1, disjoint, as many of each (:func:`placement`). Default: every bulk
        site, sources at even l and drains at odd l.
    """

    N: int
    p: float
    delta_rho: float
    I_g: float
    rho0: float = 1.0
    sources: tuple[int, ...] | None = None
    drains: tuple[int, ...] | None = None
    name = "classical-wire"

    def __post_init__(self):
        N = _validate.integer("N", self.N, 4)
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "p", _validate.real("p", self.p, 0.0, 1.0, open_lo=True))
        for name in ("delta_rho", "I_g", "rho0"):
            object.__setattr__(self, name, _validate.real(name, getattr(self, name)))
        src, drn = placement(N, self.sources, self.drains)
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    @classmethod
    def single_pair(cls, N: int, p: float, delta_rho: float, I_g: float,
                    rho0: float = 1.0) -> ClassicalWire:
        """App. C 2: one source at l = 2 and one drain at l = N - 1 (N >= 4)."""
        N = _validate.integer("N", N, 4)
        return cls(N, p, delta_rho, I_g, rho0, sources=(2,), drains=(N - 1,))

    def reversed(self) -> ClassicalWire:
        """The same wire under the reverse bias."""
        return replace(self, delta_rho=-self.delta_rho)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "p": self.p, "delta_rho": self.delta_rho,
                "I_g": self.I_g, "rho0": self.rho0, "sources": list(self.sources),
                "drains": list(self.drains)}


@dataclass(frozen=True)
class ResistiveWire(Placed):
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
        Nodes 2..N-1, as many of each (:func:`placement`); default every bulk node, sources
        at even l (N even).
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
        src, drn = placement(N, self.sources, self.drains)
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    def reversed(self) -> ResistiveWire:
        """The same circuit under the reverse bias."""
        return replace(self, V=-self.V)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "V": self.V, "I_g": self.I_g,
                "sources": list(self.sources), "drains": list(self.drains), "R": self.R}


@dataclass(frozen=True)
class QuantumWire(Placed):
    r"""Tight-binding wire with semi-infinite tight-binding baths, Eqs. (10)-(12).

    :math:`H_w = -\sum_l (c^\dagger_l c_{l+1} + \mathrm{h.c.})` on N sites; the left (l = 1)
    and right (l = N) baths couple with :math:`\gamma_1 = \gamma_N` = ``gamma_end`` (1 is
    reflectionless) at :math:`\mu_{L,R} = \bar\mu \pm \delta\mu/2`; a source (drain) bath at
    each site in ``sources`` (``drains``) couples with :math:`\gamma` and has the chemical
    potential that makes it inject (draw) :math:`I_g`: :math:`I_l = \pm I_g`. All baths at
    one temperature T (Fermi functions :math:`f_l = 1/(e^{(\omega-\mu_l)/T}+1)`, Eq. 16);
    T = 0, the default, is the paper's :math:`T \ll \bar\mu` limit.

    Parameters
    ----------
    N : int
        Number of sites (>= 3).
    gamma : float
        Coupling :math:`\gamma > 0` of the source and drain baths.
    mu_bar : float
        :math:`\bar\mu = (\mu_L + \mu_R)/2`, inside the band (-2, 2).
    delta_mu : float
        :math:`\delta\mu = \mu_L - \mu_R`; both :math:`\mu_{L,R}` inside the band.
    I_g : float
        Current of each source and drain.
    sources, drains : tuple of int, optional
        Sites (2..N-1) of the sources and drains, as many of each. Default: every bulk site,
        sources at even l and drains at odd l (the paper's long wire, N even), which is
        :math:`I_l = (-1)^l I_g`.
    gamma_end : float
        :math:`\gamma_1 = \gamma_N > 0`.
    temperature : float
        :math:`k_B T \ge 0` of all baths, in units of :math:`\gamma_o`.
    """

    N: int
    gamma: float
    mu_bar: float
    delta_mu: float
    I_g: float
    sources: tuple[int, ...] | None = None
    drains: tuple[int, ...] | None = None
    gamma_end: float = 1.0
    temperature: float = 0.0
    name = "quantum-wire"

    def __post_init__(self):
        N = _validate.integer("N", self.N, 3)
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "gamma", _validate.real("gamma", self.gamma, 0.0,
                                                         open_lo=True))
        object.__setattr__(self, "gamma_end", _validate.real("gamma_end", self.gamma_end, 0.0,
                                                             open_lo=True))
        object.__setattr__(self, "temperature", _validate.real("temperature", self.temperature,
                                                               0.0))
        mu = _validate.real("mu_bar", self.mu_bar, -2.0, 2.0, open_lo=True, open_hi=True)
        object.__setattr__(self, "mu_bar", mu)
        dmu = _validate.real("delta_mu", self.delta_mu)
        if abs(mu) + abs(dmu) / 2 >= 2:
            raise ValueError(f"delta_mu: mu_bar +- delta_mu/2 must lie inside the band (-2, 2), "
                             f"got mu_bar={mu}, delta_mu={dmu}")
        object.__setattr__(self, "delta_mu", dmu)
        object.__setattr__(self, "I_g", _validate.real("I_g", self.I_g))
        src, drn = placement(N, self.sources, self.drains)
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    @property
    def mu_L(self) -> float:
        return self.mu_bar + self.delta_mu / 2

    @property
    def mu_R(self) -> float:
        return self.mu_bar - self.delta_mu / 2

    def reversed(self) -> QuantumWire:
        """The same wire under the reverse bias."""
        return replace(self, delta_mu=-self.delta_mu)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "gamma": self.gamma, "mu_bar": self.mu_bar,
                "delta_mu": self.delta_mu, "I_g": self.I_g, "sources": list(self.sources),
                "drains": list(self.drains), "gamma_end": self.gamma_end,
                "temperature": self.temperature}


def _sites(name: str, sites: object, N: int) -> tuple[int, ...]:
    """Distinct bulk sites 2..N-1 as a tuple of ints (numpy integers accepted)."""
    if isinstance(sites, (str, bytes)) or not isinstance(sites, Iterable):
        raise ValueError(f"{name} must be a sequence of distinct sites in 2..N-1={N - 1}, "
                         f"got {sites!r}")
    sites = tuple(sites)
    if any(isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral)
           or not 2 <= s <= N - 1 for s in sites) or len(set(sites)) != len(sites):
        raise ValueError(f"{name} must be distinct sites in 2..N-1={N - 1}, got {sites}")
    return tuple(int(s) for s in sites)
