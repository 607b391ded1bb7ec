r"""A wire with sources and drains of charge in its bulk (classical and quantum).

Models of "Nonreciprocal charge transport in a wire with sources and drains in the bulk"
(the paper text is in ``/work/shared/papers/nonreciprocal_wire_sources_drains.txt``).
Sites are numbered l = 1..N as in the paper; units e = v_F = a = tau = 1 (classical) and
:math:`e = \hbar = \gamma_o = 1` (quantum).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from .. import _validate


@dataclass(frozen=True)
class ClassicalWire:
    r"""Two-species (right/left mover) master equation on N sites, Eqs. (1)-(5).

    Sites 2..N-1 each hold a source (even l, injects :math:`I_g`) or a drain (odd l); movers
    hop on with probability p and convert into each other with probability 1 - p there.
    Reservoirs: :math:`\rho^\pm(0) = \rho_0 + \delta\rho`, :math:`\rho^\pm(N+1) = \rho_0`
    for ``delta_rho >= 0`` (forward bias); for ``delta_rho < 0`` the paper's reverse bias,
    :math:`\rho^\pm(0) = \rho_0`, :math:`\rho^\pm(N+1) = \rho_0 + |\delta\rho|`.

    Parameters
    ----------
    N : int
        Number of sites, even and >= 4 (N/2 - 1 source-drain dimers).
    p : float
        Hopping probability p in (0, 1]; the scattering length is :math:`l_c = a/(1-p)`.
    delta_rho : float
        Reservoir density difference; its sign is the bias direction.
    I_g : float
        Current injected by each source and drawn by each drain.
    rho0 : float
        Background density :math:`\rho_0` (drops out of all currents).
    """

    N: int
    p: float
    delta_rho: float
    I_g: float
    rho0: float = 1.0
    name = "classical-wire"

    def __post_init__(self):
        N = _validate.integer("N", self.N, 4)
        if N % 2:
            raise ValueError(f"N must be even (N/2 - 1 source-drain dimers), got {N}")
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "p", _validate.real("p", self.p, 0.0, 1.0, open_lo=True))
        for name in ("delta_rho", "I_g", "rho0"):
            object.__setattr__(self, name, _validate.real(name, getattr(self, name)))

    def reversed(self) -> ClassicalWire:
        """The same wire under the reverse bias."""
        return replace(self, delta_rho=-self.delta_rho)

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "N": self.N, "p": self.p, "delta_rho": self.delta_rho,
                "I_g": self.I_g, "rho0": self.rho0}


@dataclass(frozen=True)
class QuantumWire:
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
        if (self.sources is None) != (self.drains is None):
            raise ValueError("give sources and drains together, or neither")
        if self.sources is None:
            if N % 2:
                raise ValueError(f"N must be even for the default alternating sources and "
                                 f"drains, got {N}; give sources and drains explicitly")
            src, drn = tuple(range(2, N - 1, 2)), tuple(range(3, N, 2))
        else:
            src, drn = _sites("sources", self.sources, N), _sites("drains", self.drains, N)
        if set(src) & set(drn) or len(src) != len(drn):
            raise ValueError(f"sources and drains must be disjoint and as many, got {src}, {drn}")
        object.__setattr__(self, "sources", src)
        object.__setattr__(self, "drains", drn)

    @property
    def contacts(self) -> tuple[int, ...]:
        """Sites with a source or drain bath, in increasing order."""
        return tuple(sorted(self.sources + self.drains))

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
