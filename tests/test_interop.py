"""QuTiP objects of every model (manybody.interop): equal to hand-built ones, their steady
states equal to the package's ED, the Jordan-Wigner order of qutip.fdestroy, refusals."""

import numpy as np
import pytest
import qutip

from manybody import ed, interop
from manybody.errors import SizeError
from manybody.models import MetelmannClerkRing, NonreciprocalChain, RashbaZeemanChain


@pytest.mark.parametrize("model", [NonreciprocalChain(4, eps=0.2, gamma_neq=0.6),
                                   RashbaZeemanChain(2, eps=0.1, gamma_neq=0.5, h=0.3)])
def test_fermion_operators_are_the_fdestroy_ones(model):
    M = model.n_modes
    c = [qutip.fdestroy(M, a) for a in range(M)]
    H = interop.hamiltonian(model)
    ref = sum(e * c[a].dag() * c[a] for a, e in enumerate(model.modes.flat_energies))
    assert H.dims == [[2] * M, [2] * M] and np.abs((H - ref).full()).max() < 1e-14
    for J, Mm in zip(interop.jump_operators(model), model.jumps(), strict=True):
        Mm = Mm.toarray()
        ref = sum((Mm[a, b] * c[a].dag() * c[b] for a in range(M) for b in range(M)),
                  0 * c[0])
        assert np.abs((J - ref).full()).max() < 1e-14


@pytest.mark.parametrize("model", [NonreciprocalChain(4, eps=0.2, gamma_neq=0.6),
                                   RashbaZeemanChain(3, eps=0.1, gamma_neq=0.9)])
def test_qutip_steady_states_equal_the_ed_state(model):
    r = ed.steady_state(model, state=True)
    sector = qutip.steadystate(interop.hamiltonian(model, 0.5), interop.jump_operators(model, 0.5))
    assert np.abs(sector.full() - r.state.sector_matrix()).max() < 1e-10
    assert np.abs((interop.liouvillian(model, 0.5) - ed.liouvillian(model)).full()).max() == 0
    # the whole Fock space: the embedded state is stationary under the full Liouvillian
    full = interop.liouvillian(model)
    residual = full * qutip.operator_to_vector(r.state.to_qobj())
    assert np.abs(residual.full()).max() < 1e-12


def test_spin_objects_and_the_ed_state():
    ring = MetelmannClerkRing.minimal(L=5, alpha=2.0, delta=1.5)
    H, jumps = interop.hamiltonian(ring), interop.jump_operators(ring)
    assert H.dims == [[2] * 5, [2] * 5] and len(jumps) == len(ring.jump_operators())
    rho = ed.steady_state(ring, state=True).state.to_qobj()
    Lq = interop.liouvillian(ring)
    assert np.abs((Lq * qutip.operator_to_vector(rho)).full()).max() < 1e-12
    assert np.abs((qutip.steadystate(H, jumps) - rho).full()).max() < 1e-10


def test_refusals_name_the_size_and_the_parameter():
    with pytest.raises(SizeError, match=r"dimension 8192 > MAX_DENSE_DIM=4096; use a smaller L"):
        interop.hamiltonian(MetelmannClerkRing.minimal(L=13, alpha=2.0, delta=1.5))
    with pytest.raises(SizeError, match="or a filling"):
        interop.hamiltonian(NonreciprocalChain(14, gamma_neq=0.5))
    with pytest.raises(SizeError, match=r"dimension 12870 > MAX_DENSE_DIM=4096; use a smaller L$"):
        interop.hamiltonian(NonreciprocalChain(16, gamma_neq=0.5), filling=0.5)
    with pytest.raises(SizeError, match="MAX_LIOUVILLIAN_DIM=1024"):
        interop.liouvillian(MetelmannClerkRing.minimal(L=11, alpha=2.0, delta=1.5))
    with pytest.raises(ValueError, match="filling applies to the fermion rings only"):
        interop.jump_operators(MetelmannClerkRing.minimal(L=4, alpha=2.0, delta=1.5), 0.5)
    with pytest.raises(TypeError, match="model"):
        interop.liouvillian("ring")
