"""Results saved to HDF5 load back equal, for every method (issue 16, item 3)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import mpo
from manybody import cmf, ed, gaussian, hdf5, ldl, tgge, wire
from manybody.ed import xx_chain
from manybody.models import (
    BoseHubbardRing,
    BoundaryDrivenXX,
    MetelmannClerkRing,
    NonreciprocalChain,
    RashbaZeemanChain,
    TripleDot,
)
from manybody.result import Result

M1 = NonreciprocalChain(4, gamma_neq=0.5, eps=0.1)
M2 = RashbaZeemanChain(2, gamma_neq=0.9, eps=0.1)
RING = MetelmannClerkRing.minimal(L=3, alpha=1.0, delta=0.5)
OPEN = MetelmannClerkRing.minimal(4, 2.0, 1.5, boundary="open")


def _mpo():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a short run: no error bar
        return mpo.steady_state(OPEN, max_bond=8, tol=1e-4, richardson=False,
                                truncation_check=False, progress=False)


METHODS = {
    "ed fermion steady": lambda: ed.steady_state(M1),
    "ed fermion evolve": lambda: ed.evolve(M2, [0.0, 1.0, 2.0]),
    "ed secular": lambda: ed.secular_steady_state(M1),
    "ed exclusion": lambda: ed.exclusion_steady_state(M1),
    "ed kmc": lambda: ed.kmc_steady_state(M1, sweeps=200),
    "ed spin steady": lambda: ed.steady_state(RING),
    "ed spin evolve": lambda: ed.evolve(RING, [0.0, 0.5]),
    "ed bose": lambda: ed.steady_state(BoseHubbardRing.minimal(3, 2.0, 1.0, kappa=1.0)),
    "xx chain": lambda: xx_chain.steady_state(BoundaryDrivenXX(6, dephasing=0.1)),
    "tgge steady": lambda: tgge.steady_state(M2),
    "tgge evolve": lambda: tgge.evolve(M1, [0.0, 1.0]),
    "gaussian": lambda: gaussian.steady_state(BoseHubbardRing.minimal(5, 2.0, 1.0, kappa=1.0)),
    "cmf": lambda: cmf.steady_state(MetelmannClerkRing.minimal(L=4, alpha=1.2, delta=0.5)),
    "ldl": lambda: ldl.solve(TripleDot(V=(1.0, 0.7, 1.5), levels=(0.5, 0.0, -0.5), beta=2.0)),
    "wire classical": lambda: wire.classical_steady_state(N=20, p=0.7, delta_rho=0.1,
                                                          I_g=0.05),
    "wire quantum": lambda: wire.quantum_steady_state(N=6, gamma=0.5, mu_bar=1.0,
                                                      delta_mu=0.1, I_g=0.005),
    "mpo": _mpo,
}


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_round_trips_through_hdf5(name, tmp_path):
    r = METHODS[name]()
    assert isinstance(r, Result)
    back = Result.load(r.save(tmp_path / "r.h5"))
    assert back == r
    assert type(back.current) is type(r.current)
    for f in ("occupations", "times", "momenta"):
        a, b = getattr(r, f), getattr(back, f)
        assert (a is None) == (b is None)
        if a is not None:
            assert b.dtype == np.asarray(a).dtype and b.shape == np.shape(a)


def test_equality_sees_a_changed_entry_and_json_is_the_summary(tmp_path):
    r = ed.steady_state(M1)
    changed = Result(**{**r.__dict__, "occupations": r.occupations + 1e-15})
    assert changed != r and r == Result(**r.__dict__)
    assert Result.load(r.save(tmp_path / "r.json")).current == r.current


def test_nested_data_and_refusals(tmp_path):
    data = {"a": 1, "b": 2.5, "c": 1 + 2j, "d": True, "e": "text", "f": None,
            "g": [1, 2, 3], "h": np.arange(6.0).reshape(2, 3), "i": ["x", {"y": None}, 3.0],
            "j": {"k": np.array([1 + 1j]), "l": []}, "m": np.float64(np.nan), "n": (0.5, 1)}
    back = hdf5.load(hdf5.save(tmp_path / "d.h5", data))
    assert back.keys() == data.keys()
    assert back["a"] == 1 and back["c"] == 1 + 2j and back["d"] is True and back["f"] is None
    assert back["g"] == [1, 2, 3] and back["i"] == ["x", {"y": None}, 3.0]
    assert back["n"] == [0.5, 1.0] and np.isnan(back["m"]) and back["j"]["l"] == []
    np.testing.assert_array_equal(back["h"], data["h"])
    assert back["j"]["k"].dtype == complex
    with pytest.raises(TypeError, match="/x: cannot store a set"):
        hdf5.save(tmp_path / "bad.h5", {"x": {1, 2}})
    with pytest.raises(TypeError, match="keys must be strings"):
        hdf5.save(tmp_path / "bad.h5", {"a/b": 1})
