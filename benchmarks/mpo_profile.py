r"""Where the MPO engine's time goes: per step of the open chain (L = 40, α = 2, δ = 1, μ = 1,
dt = 0.05, order 2, cutoff ``GRAM_CUTOFF`` = 1e-14 (the smallest at which the gates are split
through the Gram matrix), every bond saturated at χ, one worker, one BLAS thread), the
time in the split of the gates (the Gram matrix and its eigh, :func:`mpo.halves.gram_eigh`,
or LAPACK's SVD below ``GRAM_MIN``), in QR, and in everything else, and the flop rate of the
split against a large matrix product on the same core (the machine's limit).

Flops, m x n matrix, m >= n: a thin SVD with both factors, the R-SVD count of Golub and Van
Loan (Matrix Computations, 4th ed., Fig. 8.6.1), :math:`4m^2n + 8mn^2 + 9n^3`; the Gram
matrix of the shorter side and its eigen-decomposition with vectors, :math:`2mn^2 + 9n^3`
(the same book's count for the symmetric QR algorithm); a product of n x n matrices
:math:`2n^3`. The splits and QRs are timed by wrapping :func:`mpo.halves.gram_eigh`,
:func:`mpo.halves.svd` and :func:`mpo.halves.qr` (in the sweeps and in the split and join
of the middle bond); the rest (the gate, matrix products, reshapes, the truncation, the
trace) is the remainder of the step.

**Cheaper truncations** (:func:`truncation_rows`, issue 18's item 2): the truncation of an
n x n two-site matrix (n = 4χ, spins) to rank χ by LAPACK's SVD, by the engine's Gram split
and by a randomized SVD (Halko, Martinsson and Tropp, SIAM Rev. 53, 217 (2011), Alg. 4.4:
χ + 8 Gaussian probes, q power iterations with re-orthonormalization), each timed on the same
matrices (fastest of the repeats) with its excess truncation error
:math:`\lVert\Theta - X\rVert/\lVert\Theta - X_{opt}\rVert - 1`. The matrices are
:math:`U\,\mathrm{diag}(s)\,V^T` with Haar-random orthogonal U, V and :math:`s_j =
10^{-aj}`, a fixed by :math:`s_\chi` = ``tail``: a slow (1e-3) and a fast (1e-6) decay.
(The engine's own gated matrices at the benchmark chain's states are below rank χ at the
cutoff, where every method is exact, so they cannot rank the methods.)

Run ``python benchmarks/mpo_profile.py [--quick]``; prints the tables and writes
``data/benchmarks/mpo_profile.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from manybody.models import MetelmannClerkRing
from manybody.provenance import provenance
from mpo import halves, state, superop, tebd

OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
FULL = {"L": 40, "chis": (8, 16, 32, 64), "steps": 20, "matmul_n": 2048,
        "trunc_chis": (16, 32, 64), "trunc_tails": (1e-3, 1e-6), "trunc_samples": 6}
QUICK = {"L": 8, "chis": (4, 8), "steps": 4, "matmul_n": 256,
         "trunc_chis": (8,), "trunc_tails": (1e-3,), "trunc_samples": 2}
DT = 0.05


def svd_flops(m: int, n: int) -> float:
    """Flops of a thin SVD with both factors (module docstring)."""
    m, n = max(m, n), min(m, n)
    return 4.0 * m * m * n + 8.0 * m * n * n + 9.0 * n**3


def gram_flops(m: int, n: int) -> float:
    """Flops of the Gram matrix of the shorter side and its eigh (module docstring)."""
    m, n = max(m, n), min(m, n)
    return 2.0 * m * n * n + 9.0 * n**3


def matmul_rate(n: int, repeats: int = 5) -> float:
    """Flops per second of an n x n real matrix product, the fastest of ``repeats``."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best


def profile_row(L: int, chi: int, steps: int) -> dict:
    """Time per step and its parts at bond dimension χ (module docstring)."""
    model = MetelmannClerkRing.minimal(L, 2.0, 1.0, boundary="open")
    gens = superop.bond_generators(model)
    ev = tebd.TEBD(state.to_arrays(state.product_state(L, "down")), gens, DT, chi,
                   halves.GRAM_CUTOFF)
    ev.evolve(max(4, int(np.ceil(np.log(chi) / np.log(4))) + 4))  # saturate every bond
    spent = {"split": 0.0, "qr": 0.0, "flops": 0.0}
    svd, qr, gram = halves.svd, halves.qr, halves.gram_eigh

    def timed(fn, part, flops=None):
        def wrapped(m, *args):
            t0 = time.perf_counter()
            out = fn(m, *args)
            spent[part] += time.perf_counter() - t0
            spent["flops"] += flops(*m.shape) if flops else 0.0
            return out
        return wrapped

    ev = tebd.TEBD(ev.arrays, gens, DT, chi, halves.GRAM_CUTOFF, workers=1)
    modules = (halves, tebd)  # the sweeps, and the split and join of the middle bond
    for module in modules:
        module.svd, module.qr = timed(svd, "split", svd_flops), timed(qr, "qr")
    halves.gram_eigh = timed(gram, "split", gram_flops)
    try:
        t0 = time.perf_counter()
        ev.evolve(steps)
        total = time.perf_counter() - t0
    finally:
        for module in modules:
            module.svd, module.qr = svd, qr
        halves.gram_eigh = gram
    return {"chi": chi, "L": L, "steps": steps, "ms_per_step": 1e3 * total / steps,
            "split_fraction": spent["split"] / total, "qr_fraction": spent["qr"] / total,
            "other_fraction": 1 - (spent["split"] + spent["qr"]) / total,
            "split_flop_rate": spent["flops"] / spent["split"]}


def randomized_truncation(theta: np.ndarray, k: int, power: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Rank-k approximation of ``theta`` by a randomized SVD: k + 8 Gaussian probes and
    ``power`` power iterations, each re-orthonormalized (module docstring)."""
    y = theta @ rng.standard_normal((theta.shape[1], k + 8))
    for _ in range(power):
        y = theta @ (theta.T @ np.linalg.qr(y)[0])
    q = np.linalg.qr(y)[0]
    u, s, vh = np.linalg.svd(q.T @ theta, full_matrices=False)
    return (q @ u[:, :k]) * s[:k] @ vh[:k]


def gram_truncation(theta: np.ndarray, k: int) -> np.ndarray:
    """The engine's split: project on the k leading eigenvectors of the Gram matrix of the
    shorter side (:func:`mpo.halves.gram_eigh`)."""
    rows = theta.shape[0] <= theta.shape[1]
    u = halves.gram_eigh(theta, rows)[1][:, :k]
    return u @ (u.T @ theta) if rows else (theta @ u) @ u.T


def svd_truncation(theta: np.ndarray, k: int) -> np.ndarray:
    u, s, vh = halves.svd(theta)
    return (u[:, :k] * s[:k]) @ vh[:k]


def truncation_rows(chis: tuple[int, ...], tails: tuple[float, ...], samples: int,
                    repeats: int = 5, seed: int = 7) -> list[dict]:
    """Time per truncation and excess error of each method (module docstring), per χ and
    decay; the methods alternate within each repeat."""
    rng = np.random.default_rng(seed)
    methods = {"svd": svd_truncation, "gram": gram_truncation,
               **{f"randomized_q{q}": (lambda t, k, q=q: randomized_truncation(t, k, q, rng))
                  for q in (0, 1, 2)}}
    rows = []
    for chi, tail in ((c, t) for c in chis for t in tails):
        n = 4 * chi
        s = 10.0 ** (np.log10(tail) / chi * np.arange(n))
        thetas = []
        for _ in range(samples):
            u, v = (np.linalg.qr(rng.standard_normal((n, n)))[0] for _ in range(2))
            thetas.append(np.ascontiguousarray((u * s) @ v.T))
        floor = [np.linalg.norm(t - svd_truncation(t, chi)) for t in thetas]
        best = dict.fromkeys(methods, np.inf)
        excess = dict.fromkeys(methods, 0.0)
        for _ in range(repeats):
            for name, f in methods.items():
                t0 = time.perf_counter()
                kept = [f(t, chi) for t in thetas]
                best[name] = min(best[name], (time.perf_counter() - t0) / samples)
                excess[name] = max(excess[name], max(
                    np.linalg.norm(t - x) / e - 1 for t, x, e in zip(thetas, kept, floor,
                                                                     strict=True)))
        rows.append({"chi": chi, "n": n, "tail": tail,
                     **{f"{k}_ms": 1e3 * v for k, v in best.items()},
                     **{f"{k}_excess": v for k, v in excess.items()}})
    return rows


def run(quick: bool = False, out: Path | str = OUT) -> dict:
    p = QUICK if quick else FULL
    with threadpool_limits(limits=1, user_api="blas"):
        peak = matmul_rate(p["matmul_n"])
        rows = [profile_row(p["L"], chi, p["steps"]) for chi in p["chis"]]
        truncations = truncation_rows(p["trunc_chis"], p["trunc_tails"], p["trunc_samples"])
    for row in rows:
        row["split_over_matmul"] = row["split_flop_rate"] / peak
    results = {"matmul_flop_rate": peak, "matmul_n": p["matmul_n"], "rows": rows,
               "truncations": truncations}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mpo_profile.json").write_text(json.dumps(
        {"parameters": {"quick": quick, **p, "dt": DT}, "results": results,
         "provenance": provenance()}, indent=1, default=float))
    return results


def format_table(results: dict) -> str:
    lines = [f"one core: {results['matmul_n']}^2 matrix product "
             f"{results['matmul_flop_rate'] / 1e9:.1f} GFLOP/s",
             f"{'chi':>5}{'ms/step':>10}{'split':>7}{'QR':>7}{'other':>7}{'split GFLOP/s':>15}"
             f"{'of matmul':>11}"]
    lines += [f"{r['chi']:>5}{r['ms_per_step']:>10.1f}{100 * r['split_fraction']:>6.0f}%"
              f"{100 * r['qr_fraction']:>6.0f}%{100 * r['other_fraction']:>6.0f}%"
              f"{r['split_flop_rate'] / 1e9:>15.2f}{100 * r['split_over_matmul']:>10.0f}%"
              for r in results["rows"]]
    names = ("svd", "gram", "randomized_q0", "randomized_q1", "randomized_q2")
    lines += ["", "truncation of a 4chi x 4chi matrix to rank chi: ms (excess error)",
              f"{'chi':>5}{'s_chi':>7}" + "".join(f"{n:>22}" for n in names)]
    lines += [f"{r['chi']:>5}{r['tail']:>7.0e}" + "".join(
        f"{r[n + '_ms']:>11.2f} ({r[n + '_excess']:7.1e})" for n in names)
        for r in results["truncations"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    print(format_table(run(args.quick, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
