"""Knowledge tracing side by side with pyBKT 1.4.3 (its C++ build), in one run.

    python benchmarks/kt_bench.py [--sizes 100000 1000000] [--data CSV ...] [--num-fits 5] [--repeat 3]
                                  [--pybkt-env .venv-pybkt] [--json results.json]

Each contender runs in a process of its own, from the same CSV file (pyBKT's columns:
``user_id``, ``skill_name``, ``correct``, optional ``order_id`` and a ``split`` column of
train/test, else an 80/20 split by learner), so that the fit time is end to end (reading
the data included) and the peak memory is its own. Synthetic data comes from BKT's own
generative process with 100 skills. The real ASSISTments 2009 data is used when it is in
``../shared/data/kt/``.

pyBKT lives in its own environment (``--pybkt-env``), made on first use the way its C++
build needs: ``pip install numpy wheel setuptools`` first, then ``pip install
--no-build-isolation --no-binary pyBKT pyBKT==1.4.3`` with scikit-learn below 1.8. The
benchmark names the backend that ran and refuses to compare against the pure-Python
fallback. Only the standard library is imported at the top: this file is also what runs
inside pyBKT's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "kt" / "dkt_assist2009_builder.csv"


def _metrics(correct: list[int], predicted: list[float]) -> dict[str, float]:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    y, p = np.asarray(correct, float), np.asarray(predicted, float)
    return {"auc": float(roc_auc_score(y, p)), "rmse": float(np.sqrt(np.mean((y - p) ** 2)))}


def _is_test_learner(label: str) -> bool:
    """Without a split column, a fifth of the learners are tested, chosen by a fixed hash."""
    import zlib

    return zlib.crc32(label.encode()) % 5 == 0


def _pandas_test(frame: Any) -> Any:
    """pyBKT's side: True for the test rows of the frame."""
    if "split" in frame:
        return (frame["split"].astype(str).str.strip() == "test").to_numpy()
    users = frame["user_id"].astype(str)
    return users.map({u: _is_test_learner(u) for u in users.unique()}).to_numpy()


def _peak_mb() -> int:
    """This process's own peak resident memory (ru_maxrss would include its parent's)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _read_ours(csv_path: str) -> tuple[Any, Any]:
    """Our table from the file, split as the file says (its split column), else by learner."""
    import numpy as np

    from edubridge.kt import Responses
    from edubridge.kt.csvfile import Labels, read_csv
    from edubridge.kt.data import NUMERIC

    table = read_csv(csv_path, NUMERIC)
    data = Responses.from_table(table) if table else Responses.from_csv(csv_path)
    split = table.get("split") if table else _read_column(csv_path, "split")
    if isinstance(split, Labels):
        is_test = (np.char.strip(split.labels) == "test")[split.codes][data.row]
    elif split is not None:
        is_test = np.array([s.strip() == "test" for s in split])[data.row]
    else:
        is_test = np.array([_is_test_learner(str(label)) for label in data.learners])[data.learner]
    return data.subset(~is_test), data.subset(is_test)


def run_ours(csv_path: str, model: str, num_fits: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from edubridge.kt import BKT, Elo, Logistic

    def fit() -> tuple[Any, Any]:
        train, test = _read_ours(csv_path)
        estimator = {
            "bkt": lambda: BKT(num_fits=num_fits, random_state=0),
            "bkt-forgets": lambda: BKT(num_fits=num_fits, forgets=True, random_state=0),
            "elo": lambda: Elo(),
            "logistic": lambda: Logistic(),
        }[model]()
        return estimator.fit(train), test

    first, second, (estimator, test) = _twice(fit)
    predicted = estimator.predict_proba(test)
    correct = test.at_input_rows(test.correct)
    return {
        "contender": f"EduBridge {model}",
        "backend": "numba",  # every model's kernel (Logistic's features; sklearn fits it)
        "first_fit_seconds": round(first, 3),
        "fit_seconds": round(second, 3),
        **_metrics(list(correct), list(predicted)),
        "peak_mb": _peak_mb(),
    }


def _twice(fit: Any) -> tuple[float, float, Any]:
    """Two fits of the same file in one process, each timed end to end; the second's
    result. The first pays for what a library does on first use (numba imports most of
    itself at its first call; pandas and pyBKT load modules lazily too); the second is
    what a running node pays. The first's result is let go before the second starts."""
    started = time.perf_counter()
    fit()
    first = time.perf_counter() - started
    started = time.perf_counter()
    result = fit()
    return first, time.perf_counter() - started, result


def agree_ours(csv_path: str, model: str, num_fits: int) -> dict[str, object]:
    """Fit our BKT, then write its parameters and its test predictions for pyBKT to match."""

    sys.path.insert(0, str(ROOT / "src"))
    from edubridge.kt import BKT

    train, test = _read_ours(csv_path)
    fitted = BKT(num_fits=num_fits, forgets=model == "bkt-forgets", random_state=0).fit(train)
    params = {
        str(skill): {
            "prior": float(fitted.prior_[k]),
            "learns": [float(fitted.learn_[k])],
            "forgets": [float(fitted.forget_[k])],
            "guesses": [float(fitted.guess_[k, 0])],
            "slips": [float(fitted.slip_[k, 0])],
        }
        for k, skill in enumerate(fitted.skills_)
    }
    return {"params": params, "predictions": fitted.predict_proba(test).tolist()}


def agree_pybkt(csv_path: str, params_path: str) -> dict[str, object]:
    """pyBKT's predictions on the test rows with our fitted parameters, set by hand."""
    import numpy as np
    import pandas as pd
    from pyBKT.models import Model

    given = json.loads(Path(params_path).read_text())
    frame = pd.read_csv(csv_path)
    if "order_id" not in frame:
        frame["order_id"] = range(len(frame))
    frame["skill_name"] = frame["skill_name"].astype(str)
    held = frame[_pandas_test(frame)]
    held = held[held["skill_name"].isin(given["params"])]
    fitted = Model(seed=0, num_fits=1)
    fitted.coef_ = {
        skill: {k: (np.array(v) if isinstance(v, list) else v) for k, v in values.items()}
        for skill, values in given["params"].items()
    }
    # predict() needs what fit() would have set (pyBKT 1.4.3).
    fitted.skills = list(given["params"])
    for skill in given["params"]:
        fitted.fit_model[skill].update(resource_names={"default": 1}, gs_names={"default": 1})
    out = fitted.predict(data=held).sort_index()
    ours = np.array(given["predictions"])
    theirs = out["correct_predictions"].to_numpy()
    return {"rows": len(theirs), "max_abs_difference": float(np.abs(ours - theirs).max())}


def _read_column(csv_path: str, name: str) -> list[str] | None:
    with open(csv_path, encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        if name not in header:
            return None
        index = header.index(name)
        return [line.rstrip("\n").split(",")[index] for line in handle if line.strip()]


def run_pybkt(csv_path: str, model: str, num_fits: int) -> dict[str, object]:
    import pandas as pd
    from pyBKT.models import Model

    try:
        from pyBKT.fit import E_step

        backend = "C++" if str(E_step.__file__).endswith(".so") else "python"
    except ImportError:
        backend = "python"

    def fit() -> tuple[Any, Any]:
        frame = pd.read_csv(csv_path)
        if "order_id" not in frame:
            frame["order_id"] = range(len(frame))
        frame["skill_name"] = frame["skill_name"].astype(str)
        frame["is_test"] = _pandas_test(frame)
        train, held = frame[~frame["is_test"]], frame[frame["is_test"]]
        fitted = Model(seed=0, num_fits=num_fits)
        fitted.fit(data=train, forgets=model == "bkt-forgets")
        return fitted, held

    first, second, (fitted, held) = _twice(fit)
    predicted = fitted.predict(data=held)
    return {
        "contender": f"pyBKT 1.4.3 {model}",
        "backend": backend,
        "first_fit_seconds": round(first, 3),
        "fit_seconds": round(second, 3),
        **_metrics(list(predicted["correct"]), list(predicted["correct_predictions"])),
        "peak_mb": _peak_mb(),
    }


def pybkt_python(env: Path) -> Path:
    """The Python of pyBKT's environment, made with its C++ build when missing."""
    python = env / "bin" / "python"
    if not python.exists():
        print(f"making {env} for pyBKT's C++ build (a few minutes, once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run(
            [*pip, "numpy", "wheel", "setuptools", "scikit-learn<1.8", "pandas"], check=True
        )
        subprocess.run(
            [*pip, "--no-build-isolation", "--no-binary", "pyBKT", "pyBKT==1.4.3"], check=True
        )
    return python


def synthetic(size: int, directory: Path) -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from edubridge.kt import simulate

    skills, length = 100, 10
    learners = max(1, size // (skills * length))
    data, _ = simulate.bkt(
        learners, skills, length, prior=0.3, learn=0.1, guess=0.2, slip=0.1, random_state=42
    )
    order = np.argsort(data.row)
    path = directory / f"synthetic-{size}.csv"
    lines = ["order_id,user_id,skill_name,correct"]
    lines += [
        f"{int(t)},{data.learners[learner]},{data.skills[skill]},{correct}"
        for t, learner, skill, correct in zip(
            data.timestamp[order],
            data.learner[order],
            data.skill[order],
            data.correct[order],
            strict=True,
        )
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _child(python: str, side: str, model: str, csv_path: Path, *extra: str) -> str:
    """Run one side in its own process; its last line of output."""
    done = subprocess.run(
        [python, __file__, "--run", side, "--model", model, "--csv", str(csv_path), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{side} {model} failed:\n{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def contend(
    python: str, csv_path: Path, side: str, model: str, num_fits: int, repeat: int = 1
) -> dict[str, object]:
    """One contender's run, ``repeat`` times: the median fit times, the first run's metrics."""
    runs = [
        json.loads(_child(python, side, model, csv_path, "--num-fits", str(num_fits)))
        for _ in range(repeat)
    ]

    def median(key: str) -> float:
        return sorted(float(r[key]) for r in runs)[len(runs) // 2]

    return {
        **runs[0],
        "fit_seconds": median("fit_seconds"),
        "first_fit_seconds": median("first_fit_seconds"),
        "runs": len(runs),
    }


def agreement(python: str, csv_path: Path, model: str) -> dict[str, object]:
    """Our fitted parameters given to pyBKT by hand: both must predict the same."""
    with tempfile.NamedTemporaryFile(suffix=".json") as params:
        extra = ("--params", params.name, "--num-fits", "1")
        _child(sys.executable, "agree-ours", model, csv_path, *extra)
        return json.loads(_child(python, "agree-pybkt", model, csv_path, *extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--data", nargs="*", default=[])
    parser.add_argument("--num-fits", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    parser.add_argument("--pybkt-env", default=str(ROOT / ".venv-pybkt"))
    parser.add_argument("--json")
    parser.add_argument(
        "--run", choices=["ours", "pybkt", "agree-ours", "agree-pybkt"], help=argparse.SUPPRESS
    )
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--model", default="bkt", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "agree-ours":
        Path(args.params).write_text(json.dumps(agree_ours(args.csv, args.model, args.num_fits)))
        return
    if args.run == "agree-pybkt":
        print(json.dumps(agree_pybkt(args.csv, args.params)))
        return
    if args.run:
        runner = run_ours if args.run == "ours" else run_pybkt
        print(json.dumps(runner(args.csv, args.model, args.num_fits)))
        return
    python = str(pybkt_python(Path(args.pybkt_env)))
    results: list[dict[str, object]] = []
    agreements: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        # Numba compiles our kernels on first use and caches them, as pyBKT's C++ is
        # compiled when installed: a small warm-up run is not timed.
        warm = synthetic(20_000, Path(scratch))  # 20 learners: some to train on
        for model in ("bkt", "bkt-forgets", "elo", "logistic"):
            contend(sys.executable, warm, "ours", model, 1)
        datasets = [(f"synthetic {size:,}", synthetic(size, Path(scratch))) for size in args.sizes]
        datasets += [(Path(p).name, Path(p)) for p in args.data]
        if SHARED.exists() and not args.data:
            datasets.append(("ASSISTments 2009", SHARED))
        for name, path in datasets:
            real = not name.startswith("synthetic")
            models = ["bkt", "bkt-forgets"] if real else ["bkt"]
            for model in models:
                theirs = contend(python, path, "pybkt", model, args.num_fits, args.repeat)
                if theirs["backend"] != "C++":
                    raise SystemExit("pyBKT ran its pure-Python fallback: no comparison made")
                ours = contend(sys.executable, path, "ours", model, args.num_fits, args.repeat)
                for key in ("fit_seconds", "first_fit_seconds"):
                    ours[f"speedup_{key}"] = round(float(theirs[key]) / float(ours[key]), 1)
                results += [{"dataset": name, **theirs}, {"dataset": name, **ours}]
                agreements.append(
                    {"dataset": name, "model": model, **agreement(python, path, model)}
                )
            if real:
                for model in ("elo", "logistic"):
                    results.append(
                        {
                            "dataset": name,
                            **contend(
                                sys.executable, path, "ours", model, args.num_fits, args.repeat
                            ),
                        }
                    )
    print(
        f"End to end fit seconds, medians of {args.repeat} processes, each fitting the file"
        " twice: the second fit, and the first (which pays for first use of the libraries)\n"
        "| dataset | contender | backend | fit s | vs pyBKT | first fit s | vs pyBKT "
        "| AUC | RMSE | peak MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")

    def faster(r: dict[str, object], key: str) -> str:
        return f"{r[f'speedup_{key}']}x faster" if f"speedup_{key}" in r else ""

    for r in results:
        print(
            f"| {r['dataset']} | {r['contender']} | {r['backend']} | {r['fit_seconds']} | "
            f"{faster(r, 'fit_seconds')} | {r['first_fit_seconds']} | "
            f"{faster(r, 'first_fit_seconds')} | {r['auc']:.4f} | {r['rmse']:.4f} | "
            f"{r['peak_mb']} |"
        )
    print("\nSame parameters, same answers: EduBridge's and pyBKT's one-step predictions")
    print("| dataset | model | test rows | max abs difference |\n| --- | --- | --- | --- |")
    for a in agreements:
        print(f"| {a['dataset']} | {a['model']} | {a['rows']:,} | {a['max_abs_difference']:.1e} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": results, "agreement": agreements}, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
    main()
