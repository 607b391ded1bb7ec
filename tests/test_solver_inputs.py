"""Issue 12: bad input to the wire, triple-dot, cluster-mean-field and tGGE solvers and to the
models is refused before any work, with a message naming the parameter; sizes that do not fit
in memory are refused before allocation (``MANYBODY_MEMORY_LIMIT``)."""

import numpy as np
import pytest

from manybody import cmf, ldl, observables, tgge, wire
from manybody.errors import SizeError
from manybody.models import (
    ClassicalWire,
    MetelmannClerkRing,
    NonreciprocalChain,
    QuantumWire,
    Rates,
    TripleDot,
)

QW = QuantumWire(N=6, gamma=0.5, mu_bar=0.3, delta_mu=0.1, I_g=0.01)
CW = ClassicalWire(N=10, p=0.7, delta_rho=0.1, I_g=0.01)
DOT = dict(V=(1.0, 0.7, 1.5), levels=(0.5, 0.0, -0.5), beta=2.0)
RING = MetelmannClerkRing.minimal(L=8, alpha=2.0, delta=1.0)
CHAIN = NonreciprocalChain(8, gamma_neq=0.5)
NAN, INF = float("nan"), float("inf")

CASES = [  # (label, call, exception, the parameter the message must name)
    ("wire linear_response='no'",
     lambda: wire.quantum_steady_state(QW, linear_response="no"), ValueError, "linear_response"),
    ("wire linear_response=1", lambda: wire.quantum_steady_state(QW, linear_response=1),
     ValueError, "linear_response"),
    ("wire tol=nan", lambda: wire.quantum_steady_state(QW, tol=NAN), ValueError, "tol"),
    ("wire tol=inf", lambda: wire.quantum_steady_state(QW, tol=INF), ValueError, "tol"),
    ("wire tol=0", lambda: wire.quantum_steady_state(QW, tol=0.0), ValueError, "tol"),
    ("wire tol=-1", lambda: wire.quantum_steady_state(QW, tol=-1.0), ValueError, "tol"),
    ("wire tol='1e-8'", lambda: wire.quantum_steady_state(QW, tol="1e-8"), ValueError, "tol"),
    ("wire nodes=1", lambda: wire.quantum_steady_state(QW, nodes=1), ValueError, "nodes"),
    ("wire nodes=True", lambda: wire.quantum_steady_state(QW, nodes=True), ValueError, "nodes"),
    ("wire max_iter=-1", lambda: wire.quantum_steady_state(QW, max_iter=-1), ValueError,
     "max_iter"),
    ("wire nonreciprocity tol=nan", lambda: wire.quantum_nonreciprocity(QW, tol=NAN),
     ValueError, "tol"),
    ("quantum solver, classical wire", lambda: wire.quantum_steady_state(CW), TypeError,
     "QuantumWire"),
    ("classical solver, quantum wire", lambda: wire.classical_steady_state(QW), TypeError,
     "ClassicalWire"),
    ("classical nonreciprocity, str", lambda: wire.classical_nonreciprocity("wire"), TypeError,
     "ClassicalWire"),
    ("green_function omega='1'", lambda: wire.green_function(QW, "1"), ValueError, "omega"),
    ("green_function omega=nan", lambda: wire.green_function(QW, NAN), ValueError, "omega"),
    ("ClassicalWire N='10'", lambda: ClassicalWire(N="10", p=0.7, delta_rho=0.1, I_g=0.01),
     ValueError, "N"),
    ("QuantumWire sources=2", lambda: QuantumWire(N=6, gamma=0.5, mu_bar=0.3, delta_mu=0.1,
                                                   I_g=0.01, sources=2, drains=3),
     ValueError, "sources"),
    ("TripleDot V strings", lambda: TripleDot(V=("1", 0.7, 1.5), levels=(0.5, 0, -0.5), beta=1),
     ValueError, "V"),
    ("TripleDot V bool", lambda: TripleDot(V=(True, 0.7, 1.5), levels=(0.5, 0, -0.5), beta=1),
     ValueError, "V"),
    ("TripleDot levels strings", lambda: TripleDot(V=(1, 0.7, 1.5), levels=("0.5", 0, -0.5),
                                                   beta=1), ValueError, "levels"),
    ("ldl.evolve NaN time", lambda: ldl.evolve(TripleDot(**DOT), [1, 0, 0], [0, NAN, 1]),
     ValueError, "times"),
    ("ldl.evolve decreasing times", lambda: ldl.evolve(TripleDot(**DOT), [1, 0, 0], [0, 2, 1]),
     ValueError, "times"),
    ("ldl.evolve negative times", lambda: ldl.evolve(TripleDot(**DOT), [1, 0, 0], [-1, 0, 1]),
     ValueError, "times"),
    ("ldl.evolve p0 strings", lambda: ldl.evolve(TripleDot(**DOT), ["1", 0, 0], [0, 1]),
     ValueError, "p0"),
    ("ldl.probability_currents p nan",
     lambda: ldl.probability_currents(TripleDot(**DOT), [NAN, 0.5, 0.5]), ValueError, "p"),
    ("ldl.entropy_production p strings",
     lambda: ldl.entropy_production(TripleDot(**DOT), ["0.2", 0.3, 0.5]), ValueError, "p"),
    ("ldl.solve nodes=4", lambda: ldl.solve(TripleDot(**DOT), nodes=4), ValueError, "nodes"),
    ("ldl.solve on a wire", lambda: ldl.solve(QW), TypeError, "TripleDot"),
    ("ldl.solve equal V", lambda: ldl.solve(TripleDot(V=(1, 1, 1), levels=(0.5, 0, -0.5),
                                                      beta=1)), ValueError, "V"),
    ("minimal delta=inf", lambda: MetelmannClerkRing.minimal(L=4, alpha=2, delta=INF),
     ValueError, "delta"),
    ("minimal delta='1'", lambda: MetelmannClerkRing.minimal(L=4, alpha=2, delta="1"),
     ValueError, "delta"),
    ("dissipation_range=True", lambda: MetelmannClerkRing.minimal(
        L=4, alpha=2, delta=1, dissipation_range=True), ValueError, "dissipation_range"),
    ("dissipation_range=1.0", lambda: MetelmannClerkRing.minimal(
        L=4, alpha=2, delta=1, dissipation_range=1.0), ValueError, "dissipation_range"),
    ("cmf n_starts=0", lambda: cmf.steady_state(RING, n_starts=0), ValueError, "n_starts"),
    ("cmf n_starts=-1", lambda: cmf.steady_state(RING, n_starts=-1), ValueError, "n_starts"),
    ("cmf n_starts=1.5", lambda: cmf.steady_state(RING, n_starts=1.5), ValueError, "n_starts"),
    ("cmf seed='a'", lambda: cmf.steady_state(RING, seed="a"), ValueError, "seed"),
    ("cmf on a fermion ring", lambda: cmf.steady_state(CHAIN), TypeError, "SpinChain"),
    ("tgge filling='0.5'", lambda: tgge.steady_state(CHAIN, filling="0.5"), ValueError,
     "filling"),
    ("tgge initial strings", lambda: tgge.steady_state(CHAIN, initial=["0.5"] * 8), ValueError,
     "initial"),
    ("tgge initial bools", lambda: tgge.steady_state(CHAIN, initial=[True] * 8), ValueError,
     "initial"),
    ("tgge on a spin ring", lambda: tgge.steady_state(RING), TypeError, "FreeFermionRing"),
    ("tgge.evolve rtol=nan", lambda: tgge.evolve(CHAIN, [0, 1], rtol=NAN), ValueError, "rtol"),
    ("tgge.evolve atol='1'", lambda: tgge.evolve(CHAIN, [0, 1], atol="1"), ValueError, "atol"),
    ("tgge.evolve progress='no'", lambda: tgge.evolve(CHAIN, [0, 1], progress="no"),
     ValueError, "progress"),
    ("tgge.evolve times strings", lambda: tgge.evolve(CHAIN, ["0", "1"]), ValueError, "times"),
    ("gibbs_occupations beta=nan", lambda: tgge.gibbs_occupations(np.arange(4.0), NAN, 2),
     ValueError, "beta"),
    ("canonical_occupations N='2'", lambda: tgge.canonical_occupations(np.full(4, 0.5), "2"),
     ValueError, "particle_number"),
    ("RateEquation kernel=1", lambda: tgge.RateEquation(CHAIN.rates(), 1), ValueError, "kernel"),
    ("thermal rates overflow", lambda: NonreciprocalChain(8, gamma_neq=0.5, beta=1e4).rates(),
     ValueError, "beta"),
    ("Rates f, g shapes", lambda: Rates(f=np.ones((1, 3)), g=np.ones((1, 4))), ValueError,
     "rates f and g"),
    ("observables of a spin ring", lambda: observables.from_occupations(RING, np.ones(8)),
     TypeError, "FreeFermionRing"),
]


@pytest.mark.parametrize("call, exc, name", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_parameter(call, exc, name):
    with pytest.raises(exc) as info:
        call()
    assert name in str(info.value)


def test_accepted_edge_inputs():
    """numpy integers as sites and ranges are integers; 0 random starts are fine for the
    low-level search (the mixed start only)."""
    w = QuantumWire(N=6, gamma=0.5, mu_bar=0.3, delta_mu=0.1, I_g=0.01,
                    sources=(np.int64(2),), drains=(np.int32(5),))
    assert w.sources == (2,) and type(w.sources[0]) is int
    assert MetelmannClerkRing.minimal(L=4, alpha=2, delta=1,
                                      dissipation_range=np.int64(2)).dissipation_range == 2


def test_quantum_wire_size_guard(monkeypatch):
    """The exact integrals need N * nodes Green's functions of N x N (N = 200 ran 4 min at
    7.6 GB): refused before allocation, naming N, the estimate and the largest N that fits."""
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "1GB")
    w = QuantumWire(N=200, gamma=0.5, mu_bar=0.3, delta_mu=0.1, I_g=0.01)
    with pytest.raises(SizeError, match=r"N=200: .* needs about 10.\d GB .* largest N that "
                                        r"fits is 84"):
        wire.quantum_steady_state(w)
    # linear response needs one Green's function: fits, and conserves current
    r = wire.quantum_steady_state(w, linear_response=True)
    assert r.diagnostics["conservation_error"] < 1e-12
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "1MB")
    with pytest.raises(SizeError, match="N=200"):
        wire.quantum_steady_state(w, linear_response=True)


def test_classical_wire_size_guard(monkeypatch):
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "100MB")
    with pytest.raises(SizeError, match=r"N=1000000: .* largest N that fits is 66666"):
        wire.classical_steady_state(N=1_000_000, p=0.7, delta_rho=0.1, I_g=0.01)
    wire.classical_steady_state(N=60_000, p=0.7, delta_rho=0.1, I_g=0.01)
