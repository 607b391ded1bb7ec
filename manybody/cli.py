"""Command line: ``manybody tgge steady|evolve ...``, ``manybody mpo steady ...``,
``manybody bose steady ...``, ``manybody sweep CONFIG --out DIR`` and
``manybody figure NAME --out DIR``.

A thin shell over :mod:`manybody.tgge`, :mod:`mpo` and :mod:`manybody.experiments`. Every
given option is used or refused: NaN and infinities are refused while parsing, options of
another ``--model`` and options that would be ignored are errors, and the libraries' errors
(bad input, sizes that do not fit, solvers that fail) print ``manybody: error: <message>``
and, where the error class has one, a ``manybody: remedy:`` line, with exit status 2 for bad
input and 1 for a numerical failure; programming errors keep their traceback
(``MANYBODY_TRACEBACK=1`` shows it for every error).
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ._validate import integer, real
from .errors import ConvergenceError, DegenerateSteadyStateError, SizeError


def _finite(kind: type) -> Callable[[str], float | complex]:
    """An argparse type: ``kind(text)`` refusing NaN and infinities (argparse names the flag)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind.__name__} number") from None
        if not (math.isfinite(value.real) and math.isfinite(value.imag)):
            raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


FLOAT, COMPLEX = _finite(float), _finite(complex)

MODEL_OPTIONS = {
    # flag: (model keyword, type, help with the paper's symbol)
    "--J": ("J", FLOAT, "hopping J > 0, the unit of energy (Eq. 7/17); default 1"),
    "--beta": ("beta", FLOAT, "inverse temperature beta >= 0 of the thermal bath (Eq. 8); "
               "default 2"),
    "--eps": ("eps", FLOAT, "system-bath coupling epsilon > 0 (Eq. 2); default 0.05"),
    "--delta": ("delta", COMPLEX, "nonreciprocal: delta of Eq. (15), e.g. 1+1j; default 1+1j"),
    "--delta-prime": ("delta_prime", COMPLEX, "nonreciprocal: delta' of Eq. (15); default 1+0.5j"),
    "--alpha-y": ("alpha_y", FLOAT, "rashba-zeeman: Rashba hopping alpha_y (Eq. 17); default 1.1"),
    "--alpha-z": ("alpha_z", FLOAT, "rashba-zeeman: Rashba hopping alpha_z (Eq. 17); default 0.9"),
    "--h": ("h", FLOAT, "rashba-zeeman: Zeeman splitting h (Eq. 17); default 1"),
    "--gamma-up": ("gamma_up", FLOAT, "rashba-zeeman: gamma_up of Eq. (19); default 1"),
    "--gamma-down": ("gamma_down", FLOAT, "rashba-zeeman: gamma_down of Eq. (19), "
                     "gamma_up + gamma_down = 1; default 0"),
    "--crossing": ("crossing", str, "rashba-zeeman: basis at band crossings, 'dissipator' "
                   "(default) or 'velocity'"),
}
ONLY_FOR = {  # options (dest) of one --model of ``tgge steady|evolve``
    "nonreciprocal": {"delta", "delta_prime"},
    "rashba-zeeman": {"alpha_y", "alpha_z", "h", "gamma_up", "gamma_down", "crossing"},
}
MPO_ONLY_FOR = {  # options (dest) of one --model of ``mpo steady`` (--mu, --boundary: all)
    "ring": {"alpha", "delta"},
    "xx": {"gamma", "dephasing"},
    "bose": {"alpha", "delta", "U", "n_max", "kappa"},
}


def refuse_foreign_options(args: argparse.Namespace, only_for: dict[str, set[str]]) -> None:
    """Raise ``ValueError`` if an option of another ``--model`` was given (is not None),
    naming the flags and the model they belong to."""
    own = only_for.get(args.model, set())
    for owner, dests in only_for.items():
        wrong = sorted(d for d in dests - own
                       if owner != args.model and getattr(args, d) is not None)
        if wrong:
            flags = ", ".join("--" + d.replace("_", "-") for d in wrong)
            raise ValueError(f"{flags} {'belongs' if len(wrong) == 1 else 'belong'} to "
                             f"--model {owner}, not --model {args.model}")


def _model_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, choices=("nonreciprocal", "rashba-zeeman"),
                   help="nonreciprocal: Sec. IV A, Eqs. (7), (8), (15); rashba-zeeman: "
                        "Sec. IV B, Eqs. (17)-(19)")
    p.add_argument("--L", type=int, required=True, help="number of sites L >= 2 of the ring")
    p.add_argument("--gamma-neq", type=FLOAT, required=True,
                   help="gamma_neq in [0, 1] (Eq. 2); gamma_eq = 1 - gamma_neq")
    for flag, (dest, typ, text) in MODEL_OPTIONS.items():
        p.add_argument(flag, dest=dest, type=typ, default=None, help=text)
    p.add_argument("--filling", type=FLOAT, default=0.5,
                   help="N / (number of modes), in [0, 1]; default 0.5")


def build_model(args: argparse.Namespace):
    """The model the arguments describe; options of the other model are an error."""
    from .models import NonreciprocalChain, RashbaZeemanChain

    refuse_foreign_options(args, ONLY_FOR)
    given = {dest: getattr(args, dest) for dest, *_ in MODEL_OPTIONS.values()
             if getattr(args, dest) is not None}
    cls = NonreciprocalChain if args.model == "nonreciprocal" else RashbaZeemanChain
    return cls(args.L, gamma_neq=args.gamma_neq, **given)


def _ring(args: argparse.Namespace):
    from .models import MetelmannClerkRing

    return MetelmannClerkRing.minimal(args.L, _given(args.alpha, 2.0), _given(args.delta, 1.5),
                                      _given(args.mu, 1.0),
                                      boundary=_given(args.boundary, "periodic"))


def _bose(args: argparse.Namespace):
    from .models import BoseHubbardRing

    return BoseHubbardRing.minimal(args.L, _given(args.alpha, 2.0), _given(args.delta, 1.0),
                                   _given(args.mu, 1.0), U=_given(args.U, 0.0),
                                   n_max=_given(args.n_max, 2), kappa=_given(args.kappa, 1.0),
                                   boundary=_given(args.boundary, "periodic"))


def _xx(args: argparse.Namespace):
    from .models import BoundaryDrivenXX

    if args.boundary not in (None, "open"):
        raise ValueError(f"--model xx is an open chain (boundary driving), got --boundary "
                         f"{args.boundary}")
    return BoundaryDrivenXX(args.L, gamma=_given(args.gamma, 1.0), mu=_given(args.mu, 0.5),
                            dephasing=_given(args.dephasing, 0.0))


def _out_dir(path: str) -> str:
    """Create the output folder now, so that an unusable --out fails before the work."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(f"--out {path}: cannot create the folder ({err.strerror})") from None
    if not os.access(path, os.W_OK):
        raise PermissionError(f"--out {path}: the folder is not writable")
    return path


def _given(value, default):
    """The option's value, or its default if it was not given (None)."""
    return default if value is None else value


# --model of ``manybody mpo steady``: a builder from the parsed arguments, one entry per model
MPO_MODELS = {"ring": _ring, "xx": _xx, "bose": _bose}


def _mpo(args: argparse.Namespace) -> int:
    import mpo
    from mpo.output import write_steady

    refuse_foreign_options(args, MPO_ONLY_FOR)
    model = MPO_MODELS[args.model](args)
    _out_dir(args.out)
    result = mpo.steady_state(
        model, max_bond=args.chi, dt=args.dt, t_max=args.t_max, tol=args.tol,
        order=args.order, cutoff=args.cutoff, warmup=args.warmup, richardson=args.richardson,
        truncation_check=args.truncation_check,
        progress=not args.no_progress, checkpoint=Path(args.out) / "checkpoint.npz",
        checkpoint_interval=args.checkpoint_interval, blas_threads=args.blas_threads,
        workers=args.workers)
    paths = write_steady(result, args.out)
    d = result.diagnostics
    print(f"{args.model} L={model.L} ({model.boundary}): current I = {result.current:+.10e} "
          f"+- {d['error']:.1e} (trotter {d['error_trotter']:.1e}, stopping "
          f"{d['error_stopping']:.1e}, truncation {d['error_truncation']:.1e})")
    if not model.periodic:
        print(f"  bulk (middle half of the bonds) I = {d['bulk_current']:+.10e} "
              f"+- {d['bulk_error']:.1e} (largest per-bond error bar there)")
    print(f"  chi reached {d['bond_dimension']}, t = {d['time']:.1f}, relaxation time "
          f"{d['relaxation_time']:.2f}, {d['wall_time']:.1f} s"
          + (" (resumed from checkpoint)" if d["resumed"] else ""))
    print(f"wrote {paths['json']}, {paths['npz']} and {paths['png']}")
    return 0


def _summary(result) -> str:
    lines = [f"{result.model['model']} ring, L={result.model['L']}, "
             f"gamma_neq={result.model['gamma_neq']}",
             f"  current I           = {result.current:+.12e}"]
    lines += [f"  current I_{s:<12s} = {v:+.12e}" for s, v in result.spin_currents.items()]
    d = result.diagnostics
    lines += [f"  residual (relative) = {d['residual']:.2e}",
              f"  iterations          = {d['iterations']}",
              f"  degenerate          = {d['degenerate']} ({d['n_components']} components)",
              f"  wall time           = {d['wall_time']:.3f} s"]
    return "\n".join(lines)


def _tgge(args: argparse.Namespace) -> int:
    from . import tgge

    model = build_model(args)
    if args.action == "steady":
        result = tgge.steady_state(model, filling=args.filling)
    else:
        times = np.linspace(0.0, real("--t-max", args.t_max, 0.0, open_lo=True),
                            integer("--n-times", args.n_times, 2))
        result = tgge.evolve(model, times, filling=args.filling, progress=not args.json)
    if args.out:
        result.save(args.out)
    if args.json:
        print(json.dumps(result.to_dict()))
    elif args.action == "steady":
        print(_summary(result))
    else:
        print(f"evolved to t={times[-1]}: current I(t_end) = {result.current[-1]:+.12e}, "
              f"particle-number drift {result.diagnostics['particle_number_drift']:.1e}")
    return 0


def _bose_steady(args: argparse.Namespace) -> int:
    from . import ed, gaussian

    if args.method == "gaussian":
        given = [flag for flag, value in (("--n-max", args.n_max),
                                          ("--truncation-check", args.truncation_check))
                 if value is not None]
        if given:
            raise ValueError(f"{' and '.join(given)} apply to --method ed; the Gaussian state "
                             "(U = 0) is not truncated")
    ring = _bose(args)
    if args.method == "gaussian":
        result = gaussian.steady_state(ring)
    else:
        result = ed.steady_state(ring, truncation=_given(args.truncation_check, True))
    if args.out:
        result.save(args.out)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    n = np.asarray(result.observables["n"])
    print(f"bose-hubbard ring L={ring.L} ({ring.boundary}), U={ring.U:g}, "
          + ("exact Gaussian (U = 0)" if args.method == "gaussian" else f"n_max={ring.n_max}"))
    print(f"  current I^eta per bond = {result.current:+.12e}")
    print(f"  occupation <n>         = {n.mean():.12f} (min {n.min():.6f}, max {n.max():.6f})")
    change = result.diagnostics.get("truncation_change")
    if change is not None:
        print(f"  truncation change      = {change:.2e} (current, n_max -> n_max + 1; an "
              "indicator, not a bound)")
    return 0


def _takes_L(figure: Callable) -> bool:
    return "L" in inspect.signature(figure).parameters


def _figure(args: argparse.Namespace) -> int:
    from .experiments import FIGURES

    if args.all:
        return _figure_all(args)
    if args.only is not None:
        raise ValueError("--only selects jobs of --all; add --all")
    if args.list or args.name is None:
        extra = [flag for flag, value in ((f"the figure name {args.name!r}", args.name),
                                          ("--L", args.L), ("--out", args.out))
                 if value is not None]
        if extra:
            raise ValueError(f"--list (or no figure name) only lists the figures; drop "
                             f"{' and '.join(extra)}")
        for name, fn in FIGURES.items():
            print(f"{name:20s} {'--L' if _takes_L(fn) else '   '}  {fn.__doc__.splitlines()[0]}")
        return 0
    if args.name not in FIGURES:
        raise ValueError(f"unknown figure {args.name!r}; choose from {sorted(FIGURES)}")
    figure = FIGURES[args.name]
    kwargs = {}
    if args.L is not None:
        if not _takes_L(figure):
            raise ValueError(f"figure {args.name} takes no --L (its sizes are the paper's); "
                             "--L applies to the figures marked --L in `manybody figure --list`")
        kwargs["L"] = args.L
    paths = figure(_out_dir(_given(args.out, "out")), **kwargs)
    print(f"wrote {paths['png']} and {paths['json']}")
    checks = [{"figure": args.name} | c for c in paths["checks"]]
    if checks:
        from .experiments.regenerate import check_table

        print(check_table(checks))
    return 1 if any(not c["passed"] for c in checks) else 0


def _figure_all(args: argparse.Namespace) -> int:
    from .experiments import regenerate

    if args.name is not None or args.L is not None or args.list:
        raise ValueError("--all runs every figure at the paper's sizes; drop the figure name, "
                         "--L and --list (select jobs with --only)")
    summary = regenerate.regenerate(_out_dir(_given(args.out, "out")), names=args.only)
    print(regenerate.check_table(summary["checks"]))
    for job in summary["jobs"]:
        print(f"{job['name']:32s} {job['status']:7s} {job['wall_time']:8.1f} s  {job['error']}")
    print(f"commit {summary['commit']}: {len(summary['checks'])} checks, "
          f"{summary['failed_checks']} failed; {summary['failed_jobs']} job(s) failed")
    return 1 if summary["failed_checks"] or summary["failed_jobs"] else 0


def _validate(args: argparse.Namespace) -> int:
    from .experiments import validation

    if args.kmc_sweeps is not None and not args.kmc_L:
        raise ValueError("--kmc-sweeps applies to the --kmc-L rings; give --kmc-L too")
    largest = validation.exact_reach(args.model)["ed"]
    if args.eps is not None and min(args.L) > largest:
        raise ValueError(f"--eps applies to the exact NESS, which handles L <= {largest} for "
                         f"{args.model}; no --L ring is that small")
    if args.dynamics_L is not None:  # before the comparison's work
        validation.require_exact(args.model, "L (--dynamics-L)", [args.dynamics_L],
                                 methods=("dynamics",))
    refuse_foreign_options(args, {"nonreciprocal": {"delta", "delta_prime"}})
    given = {k: getattr(args, k) for k in ("delta", "delta_prime")  # the library's defaults
             if getattr(args, k) is not None}  # where an option was not given
    if args.eps is not None:
        given["epsilons"] = tuple(args.eps)
    if args.kmc_sweeps is not None:
        given["kmc_sweeps"] = args.kmc_sweeps
    result = validation.validate_tgge(_out_dir(args.out), args.model, Ls=tuple(args.L),
                                      kmc_Ls=tuple(args.kmc_L), gamma_neq=args.gamma_neq, **given)
    for row in result["rows"]:
        line = f"L={row['L']:3d}  tGGE={row['tgge_gc']:+.6f}  tGGE(N)={row['tgge_canonical']:+.6f}"
        for key in ("exclusion", "secular"):
            if key in row:
                line += f"  {key}={row[key]:+.6f}"
        if "kmc" in row:
            line += f"  kmc={row['kmc']:+.6f}({row['kmc_error']:.1e})"
        if "exact" in row:
            line += "  exact(eps)=" + ",".join(f"{v:+.6f}" for v in row["exact"])
            line += "  I_D/eps=" + ",".join(f"{v:+.4f}" for v in row["exact_dissipative_per_eps"])
        print(line)
    print(f"eps-power of |I_exact - I_secular|: {result['fits']}")
    print(f"Wick's I_D/eps in the large-L tGGE state: {result['wick']:+.6f}")
    print(f"wrote {result['png']} and {result['json']}")
    if args.dynamics_L is not None:
        paths = validation.validate_dynamics(args.out, args.model, L=args.dynamics_L,
                                             gamma_neq=args.gamma_neq)
        print(f"wrote {paths['png']} and {paths['json']}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manybody",
        description="Open many-body systems with bath-driven currents (tGGE rate equations).")
    sub = parser.add_subparsers(dest="command", required=True)

    tg = sub.add_parser("tgge", help="tGGE rate equations of the rectification paper")
    tsub = tg.add_subparsers(dest="action", required=True)
    steady = tsub.add_parser("steady", help="nonequilibrium steady state at fixed filling")
    evolve = tsub.add_parser("evolve", help="time evolution from infinite temperature")
    for p in (steady, evolve):
        _model_arguments(p)
        p.add_argument("--json", action="store_true", help="print the full result as JSON")
        p.add_argument("--out", default=None, help="also save the result as JSON to this file")
    evolve.add_argument("--t-max", type=FLOAT, default=200.0, help="final time t J > 0")
    evolve.add_argument("--n-times", type=int, default=201,
                        help="number of output times >= 2")

    mp = sub.add_parser("mpo", help="tensor-network (vectorized density matrix) engine")
    msub = mp.add_subparsers(dest="action", required=True)
    ms = msub.add_parser("steady", help="steady state by TEBD with an error budget; rerunning "
                         "the same command resumes from DIR/checkpoint.npz")
    ms.add_argument("--model", required=True, choices=sorted(MPO_MODELS),
                    help="ring: minimal Metelmann-Clerk model (gamma = alpha*, beta = delta*); "
                         "xx: boundary-driven XX chain (Znidaric 2010); bose: the minimal "
                         "ring as Bose-Hubbard cavities (Eqs. 1-4), at most n_max per site")
    ms.add_argument("--L", type=int, required=True, help="number of spins L >= 2")
    ms.add_argument("--alpha", type=FLOAT, default=None,
                    help="ring, bose: alpha of the jump f_j (Eq. 12 / 4); default 2")
    ms.add_argument("--delta", type=FLOAT, default=None,
                    help="ring, bose: delta of the jump f_j (Eq. 12 / 4); default 1.5 (ring), "
                         "1 (bose)")
    ms.add_argument("--U", type=FLOAT, default=None,
                    help="bose: on-site repulsion U >= 0 of U n(n-1) (Eq. 1); default 0")
    ms.add_argument("--n-max", type=int, default=None,
                    help="bose: at most n_max >= 1 bosons per site; default 2")
    ms.add_argument("--kappa", type=FLOAT, default=None,
                    help="bose: local decay rate kappa >= 0; default 1")
    ms.add_argument("--mu", type=FLOAT, default=None,
                    help="ring, bose: chemical potential mu (default 1); xx: driving mu in [-1, 1] "
                         "(default 0.5)")
    ms.add_argument("--gamma", type=FLOAT, default=None,
                    help="xx: bath coupling Gamma > 0; default 1")
    ms.add_argument("--dephasing", type=FLOAT, default=None,
                    help="xx: bulk dephasing rate >= 0; default 0")
    ms.add_argument("--boundary", choices=("periodic", "open"), default=None,
                    help="ring: periodic (default) or open; xx: open only")
    ms.add_argument("--chi", type=int, default=32, help="largest bond dimension; default 32")
    ms.add_argument("--dt", type=FLOAT, default=0.05, help="TEBD time step; default 0.05")
    ms.add_argument("--order", type=int, choices=(2, 4), default=2,
                    help="Trotter order: 2 (Strang, real arithmetic) or 4 (complex triple "
                         "jump); default 2")
    ms.add_argument("--tol", type=FLOAT, default=1e-6,
                    help="stop when the current profile changes by less per unit time; "
                         "default 1e-6")
    ms.add_argument("--t-max", type=FLOAT, default=500.0,
                    help="longest evolution time per phase; default 500")
    ms.add_argument("--cutoff", type=FLOAT, default=1e-12,
                    help="relative squared singular-value weight dropped per SVD; default 1e-12")
    ms.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                    help="start with a cheap order-2 phase at 2 dt (default on)")
    ms.add_argument("--richardson", action=argparse.BooleanOptionalAction, default=True,
                    help="remove the dt^order bias by a warm-started run at dt/2 (default on)")
    ms.add_argument("--truncation-check", action=argparse.BooleanOptionalAction, default=True,
                    help="estimate the truncation error by a coarser truncation (default on)")
    ms.add_argument("--checkpoint-interval", type=FLOAT, default=60.0,
                    help="seconds between checkpoints in DIR/checkpoint.npz; default 60")
    ms.add_argument("--blas-threads", type=int, default=None,
                    help="BLAS threads (default: $MPO_BLAS_THREADS, else 1)")
    ms.add_argument("--workers", type=int, default=None, choices=(1, 2),
                    help="processes evolving the two halves of the chain, bitwise the same "
                         "result (default: 2 on two or more cores)")
    ms.add_argument("--no-progress", action="store_true", help="no progress bar")
    ms.add_argument("--out", required=True,
                    help="output folder: result.json, arrays.npz, profile.png, checkpoint.npz")

    val = sub.add_parser("validate-tgge", help="tGGE against exact NESS, its eps->0 limits, L")
    val.add_argument("--model", default="nonreciprocal", choices=("nonreciprocal", "rashba-zeeman"))
    val.add_argument("--L", type=int, nargs="+", default=[4, 6, 8, 10],
                     help="ring sizes within the exact methods' reach (default 4 6 8 10)")
    val.add_argument("--eps", type=FLOAT, nargs="+", default=None,
                     help="couplings epsilon of the exact NESS (default 0.5 0.2 0.05 0.02 "
                          "0.005)")
    val.add_argument("--kmc-L", type=int, nargs="*", default=[],
                     help="further ring sizes for the Monte Carlo exclusion process only")
    val.add_argument("--kmc-sweeps", type=int, default=None,
                     help="Monte Carlo sweeps per --kmc-L ring; default 50000")
    val.add_argument("--gamma-neq", type=FLOAT, default=0.5, help="gamma_neq in [0, 1]")
    for flag in ("--delta", "--delta-prime"):  # real delta, delta': beyond tGGE (README)
        dest, typ, text = MODEL_OPTIONS[flag]
        val.add_argument(flag, dest=dest, type=typ, default=None, help=text)
    val.add_argument("--out", default="out", help="output folder (default ./out)")
    val.add_argument("--dynamics-L", type=int, default=None,
                     help="also overlay exact and tGGE dynamics (eps = 0.05) at this L")

    bo = sub.add_parser("bose", help="interacting bosons on the persistent-current ring "
                        "(Eqs. 1-4, minimal jumps)")
    bsub = bo.add_subparsers(dest="action", required=True)
    bs = bsub.add_parser("steady", help="exact steady state: truncated ED, or the U = 0 "
                         "Gaussian state at any L")
    bs.add_argument("--L", type=int, required=True, help="number of sites L >= 2")
    bs.add_argument("--U", type=FLOAT, default=None, help="on-site repulsion U >= 0 of "
                    "U n(n-1) (Eq. 1); default 0")
    bs.add_argument("--n-max", type=int, default=None,
                    help="ED: at most n_max >= 1 bosons per site (n_max = 1: the spin ring); "
                         "default 2")
    bs.add_argument("--alpha", type=FLOAT, default=None, help="alpha of the jump f_j (Eq. 4); "
                    "default 2")
    bs.add_argument("--delta", type=FLOAT, default=None, help="delta of the jump f_j (Eq. 4); "
                    "default 1")
    bs.add_argument("--mu", type=FLOAT, default=None, help="on-site energy mu; default 1")
    bs.add_argument("--kappa", type=FLOAT, default=None, help="local decay rate kappa >= 0; "
                    "default 1")
    bs.add_argument("--boundary", choices=("periodic", "open"), default=None,
                    help="ring (default) or open chain")
    bs.add_argument("--method", choices=("ed", "gaussian"), default="ed",
                    help="ed: symmetric exact diagonalization at n_max (default); gaussian: "
                         "exact at U = 0 only, any L (n_max ignored)")
    bs.add_argument("--truncation-check", action=argparse.BooleanOptionalAction, default=None,
                    help="ed: also solve n_max + 1 and report the change (default on)")
    bs.add_argument("--out", default=None, help="write the result as JSON to this file")
    bs.add_argument("--json", action="store_true", help="print the result as JSON")

    sw = sub.add_parser("sweep", help="a parameter sweep on Dask (config: see "
                        "examples/sweep_ring.toml); resumes")
    sw.add_argument("config", help="the sweep's TOML file (manybody.sweep.config)")
    sw.add_argument("--out", required=True,
                    help="output folder: results.nc and points/ (a rerun resumes)")
    where = sw.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help="worker processes of the local Dask cluster (default: one per core)")
    where.add_argument("--scheduler", default=None,
                       help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")

    fig = sub.add_parser("figure", help="reproduce a paper figure (PNG + JSON)")
    fig.add_argument("name", nargs="?", help="figure name; see --list")
    fig.add_argument("--out", default=None, help="output folder (default ./out)")
    fig.add_argument("--L", type=int, default=None,
                     help="ring size of the figures marked --L in --list (default: the "
                          "figure's)")
    fig.add_argument("--list", action="store_true", help="list the reproducible figures")
    fig.add_argument("--all", action="store_true",
                     help="every figure, validation and benchmark the README shows, into "
                          "OUT/figures, OUT/validation, OUT/benchmarks, with the table of "
                          "checks and the gallery OUT/figures/README.md; resumes")
    fig.add_argument("--only", nargs="+", default=None, metavar="JOB",
                     help="with --all: run only these jobs (figure names, validate-MODEL, "
                          "benchmark-NAME)")
    return parser


REMEDY = {  # error class: what the user can do (printed after the message)
    SizeError: "choose a smaller size; if more memory is free than estimated, set "
               "MANYBODY_MEMORY_LIMIT (e.g. MANYBODY_MEMORY_LIMIT=16GB)",
    ConvergenceError: "give the solver more room (the time, bond dimension or iteration limit "
                      "the message names, e.g. --t-max or --chi) or a looser --tol",
    DegenerateSteadyStateError: "the model has several steady states: change its parameters "
                                "so that one is unique (e.g. gamma_neq < 1 or a nonzero decay)",
    MemoryError: "choose a smaller size",
}


def exit_status(err: Exception) -> int | None:
    """1 for a numerical failure, 2 for bad input (or an unusable --out); None for a
    programming error, which keeps its traceback."""
    if isinstance(err, RecursionError):
        return None
    if isinstance(err, (RuntimeError, np.linalg.LinAlgError, FloatingPointError, MemoryError)):
        return 1  # ConvergenceError and DegenerateSteadyStateError are RuntimeErrors
    if isinstance(err, (ValueError, TypeError, OSError)):
        return 2  # SizeError is a ValueError
    return None


def _sweep(args: argparse.Namespace) -> int:
    """Run a sweep, print its summary; exit status 1 if a point failed."""
    from . import sweep

    ds = sweep.run(args.config, args.out, workers=args.workers, scheduler=args.scheduler,
                   progress=not args.no_progress)
    summary = json.loads(ds.attrs["summary"])
    print(f"{summary['points']} points: {summary['computed']} computed, "
          f"{summary['read_back']} read back, {summary['failed']} failed in "
          f"{summary['wall_time']:.1f} s ({summary['points_per_minute']:.1f} points/min); "
          f"{Path(args.out) / 'results.nc'}")
    for f in summary["failures"]:
        print(f"failed: {f['method']} at {f['point']}: {f['error']}", file=sys.stderr)
    return 1 if summary["failed"] else 0


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"manybody: warning: {message} ({category.__name__})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a user error or a solver's failure prints ``manybody: error:
    <message>`` (and a remedy) to stderr and returns 2 (bad input) or 1 (numerical failure).
    ``MANYBODY_TRACEBACK=1`` shows the traceback instead."""
    args = make_parser().parse_args(argv)
    handler = {"tgge": _tgge, "mpo": _mpo, "figure": _figure, "bose": _bose_steady,
               "validate-tgge": _validate, "sweep": _sweep}[args.command]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return handler(args)
    except Exception as err:
        status = exit_status(err)
        if status is None or os.environ.get("MANYBODY_TRACEBACK"):
            raise
        print(f"manybody: error: {err}", file=sys.stderr)
        remedy = next((text for cls, text in REMEDY.items() if isinstance(err, cls)), None)
        if remedy:
            print(f"manybody: remedy: {remedy}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
