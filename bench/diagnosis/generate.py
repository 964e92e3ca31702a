#!/usr/bin/python3
"""Generates the diagnosis benchmark: real CPU training runs (Debian's python3-torch and python3-sklearn), each built to
show one condition, written the way real trainers write their logs, with a truth.json per run.

    nice /usr/bin/python3 bench/diagnosis/generate.py              # every run not written yet (resumable)
    nice /usr/bin/python3 bench/diagnosis/generate.py --only lr-too  # runs whose id contains the text
    /usr/bin/python3 bench/diagnosis/generate.py --truth-only       # rewrite labels from conditions.json, no training
                                                                     # (of seeds 0-7, or of --seeds)
    /usr/bin/python3 bench/diagnosis/generate.py --data-only        # write data/ of the runs that carry it, no training
    /usr/bin/python3 bench/diagnosis/generate.py --table            # the conditions table for README.md

A run's id is CONDITION--VARIANT--sSEED. Seeds 0-1 are the tuning split, seeds 2 and up the held-out split (never used to
choose a threshold). Each run is trained with torch.set_num_threads(1) from a seed derived from its id, so it is
reproducible; wall-clock times in the logs come from a fixed clock.
"""
import argparse
import json
import os
import shutil
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

from benchgen import datasets, recipes, trainer, writers  # noqa: E402

SEEDS = list(range(8))
TUNING_SEEDS = {0, 1}
HF_LIKE = {"hf-trainer-state", "runlens-callback"}


def load_conditions():
    with open(os.path.join(HERE, "conditions.json")) as f:
        return json.load(f)


def labels(conditions, condition, variant):
    """faults, allowed and cause of one variant: the condition's, with the variant's overrides."""
    c = next(x for x in conditions["conditions"] if x["id"] == condition)
    v = c["variants"][variant]
    faults = v.get("faults", c["faults"])
    allowed = [r for r in c["allowed"] + v.get("allowed", []) if r not in faults]
    return sorted(set(faults)), sorted(set(allowed)), v.get("cause", c["cause"])


def run_ids(seeds):
    for (condition, variant) in recipes.RECIPES:
        for seed in seeds:
            yield condition, variant, seed, "%s--%s--s%d" % (condition, variant, seed)


def choose_format(condition, variant, seed, formats):
    return formats[(seed + zlib.crc32(("%s/%s" % (condition, variant)).encode())) % len(formats)]


def best_step(trace, fmt, step_in_log):
    """The first evaluation with the lowest finite validation loss, as the format stores it, in the log's own step."""
    best = None
    for e in trace.evals:
        v = writers.value_as_written(fmt, e["loss"])
        if v == v and abs(v) != float("inf") and (best is None or v < best[0]):
            best = (v, e["step"])
    return None if best is None else step_in_log(best[1])


def run_spec(condition, variant, seed):
    """The run's log format, training spec and training seed."""
    base, formats = recipes.RECIPES[(condition, variant)]
    fmt = choose_format(condition, variant, seed, formats)
    spec = dict(base)
    spec["seed"] = seed
    if fmt in HF_LIKE and "clip" not in spec:
        spec["clip"] = 1.0  # the HF Trainer clips at max_grad_norm=1.0 unless told otherwise
    train_seed = (zlib.crc32(("%s/%s" % (condition, variant)).encode()) + 7919 * seed) % (2**31 - 1)
    return fmt, spec, train_seed


def generate_one(conditions, condition, variant, seed, run_id, out_root):
    fmt, spec, train_seed = run_spec(condition, variant, seed)
    cpu = time.process_time()
    trace = trainer.train(spec, train_seed)
    cpu = time.process_time() - cpu

    tmp = os.path.join(out_root, "." + run_id + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    start = 1_700_000_000 + (zlib.crc32(run_id.encode()) % 1000) * 3600
    clock = writers.Clock(start, 0.05)
    log_path, step_in_log = writers.WRITERS[fmt](tmp, run_id, spec, trace, clock)
    predictions = cv_predictions = None
    if trace.predictions is not None:
        predictions = "predictions.csv"
        writers.write_predictions(os.path.join(tmp, predictions), trace.predictions, trace.classes)
    if trace.cv_predictions is not None:
        cv_predictions = "cv_predictions.csv"
        writers.write_predictions(os.path.join(tmp, cv_predictions), trace.cv_predictions, trace.classes)
    if datasets.carries_data(condition, variant):
        datasets.write(tmp, spec, train_seed)

    faults, allowed, cause = labels(conditions, condition, variant)
    truth = {
        "schema": "runlens.bench.truth/v1",
        "run": run_id,
        "condition": condition,
        "variant": variant,
        "seed": seed,
        "split": "tuning" if seed in TUNING_SEEDS else "heldout",
        "format": fmt,
        "log": log_path,
        "predictions": predictions,
        "cv_predictions": cv_predictions,
        "faults": faults,
        "allowed": allowed,
        "root_cause": cause,
        "primary_metric": "val/loss",
        "best_step": best_step(trace, fmt, step_in_log),
        "config": dict(spec, train_seed=train_seed, steps_per_epoch=trace.steps_per_epoch, global_step=trace.global_step,
                       planned_steps=trace.max_steps, train_examples=trace.n_train, eval_examples=trace.n_val,
                       parameters=trace.parameters, classes=trace.classes),
        "generator": {"cpu_seconds": round(cpu, 2), "torch": torch.__version__},
    }
    with open(os.path.join(tmp, "truth.json"), "w") as f:
        f.write(json.dumps(truth, indent=2) + "\n")
    final = os.path.join(out_root, run_id)
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    return fmt, cpu


def write_data(todo, out_root):
    """--data-only: the data/ folder of every existing run that carries data, rebuilt from its seed (no training)."""
    n = 0
    for condition, variant, seed, run_id in todo:
        run_dir = os.path.join(out_root, run_id)
        if not datasets.carries_data(condition, variant) or not os.path.exists(os.path.join(run_dir, "truth.json")):
            continue
        _, spec, train_seed = run_spec(condition, variant, seed)
        tmp = os.path.join(out_root, "." + run_id + ".data.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        written = datasets.write(tmp, spec, train_seed)
        shutil.rmtree(os.path.join(run_dir, "data"), ignore_errors=True)
        os.rename(written, os.path.join(run_dir, "data"))
        shutil.rmtree(tmp)
        n += 1
    print("wrote the data of %d runs" % n)


def rewrite_truth(conditions, out_root, seeds):
    n = 0
    for condition, variant, seed, run_id in run_ids(seeds):
        path = os.path.join(out_root, run_id, "truth.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            truth = json.load(f)
        truth["faults"], truth["allowed"], truth["root_cause"] = labels(conditions, condition, variant)
        truth["split"] = "tuning" if seed in TUNING_SEEDS else "heldout"
        with open(path, "w") as f:
            f.write(json.dumps(truth, indent=2) + "\n")
        n += 1
    print("rewrote the labels of %d runs from conditions.json" % n)


def table(conditions):
    print("| condition | variants | faults (must fire) | allowed | root cause | how it is built and why |")
    print("|---|---|---|---|---|---|")
    for c in conditions["conditions"]:
        variants = []
        for name, v in c["variants"].items():
            extra = []
            if "faults" in v:
                extra.append("faults " + ", ".join("`%s`" % r for r in v["faults"]))
            if v.get("allowed"):
                extra.append("+ allowed " + ", ".join("`%s`" % r for r in v["allowed"]))
            if "cause" in v:
                extra.append("cause `%s`" % v["cause"])
            variants.append(name + (" (" + "; ".join(extra) + ")" if extra else ""))
        print("| `%s` | %s | %s | %s | `%s` | %s |" % (
            c["id"], ", ".join(variants), ", ".join("`%s`" % r for r in c["faults"]) or "–",
            ", ".join("`%s`" % r for r in c["allowed"]) or "–", c["cause"], c["why"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(HERE, "runs"), help="folder of the runs (default: runs/ here)")
    parser.add_argument("--only", default=None, help="only runs whose id contains this text")
    parser.add_argument("--seeds", default=None, help="comma-separated seeds (default 0-7)")
    parser.add_argument("--force", action="store_true", help="regenerate runs that already exist")
    parser.add_argument("--truth-only", action="store_true", help="rewrite faults/allowed/root_cause from conditions.json")
    parser.add_argument("--configs-only", action="store_true",
                        help="rewrite only the architecture files (config.json, hparams.yaml, the callback's run record) "
                             "from each truth.json, without training")
    parser.add_argument("--data-only", action="store_true", help="write data/ (the training data) of existing runs that carry it, without training")
    parser.add_argument("--table", action="store_true", help="print the conditions table (Markdown) and exit")
    args = parser.parse_args()

    conditions = load_conditions()
    for c in conditions["conditions"]:
        for v in c["variants"]:
            if (c["id"], v) not in recipes.RECIPES:
                sys.exit("conditions.json names %s/%s, which benchgen/recipes.py does not build" % (c["id"], v))
    for key in recipes.RECIPES:
        labels(conditions, *key)  # every recipe has its labels
    if args.table:
        table(conditions)
        return
    os.makedirs(args.out, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else SEEDS
    if args.truth_only:
        rewrite_truth(conditions, args.out, seeds)
        return

    if args.configs_only:
        for run_id in sorted(os.listdir(args.out)):
            truth = os.path.join(args.out, run_id, "truth.json")
            if os.path.exists(truth) and (args.only is None or args.only in run_id):
                with open(truth) as f:
                    writers.rewrite_configs(os.path.join(args.out, run_id), json.load(f))
        return

    torch.set_num_threads(1)
    todo = [r for r in run_ids(seeds) if args.only is None or args.only in r[3]]
    if args.data_only:
        write_data(todo, args.out)
        return
    written = skipped = 0
    cpu_total = 0.0
    for i, (condition, variant, seed, run_id) in enumerate(todo, 1):
        if not args.force and os.path.exists(os.path.join(args.out, run_id, "truth.json")):
            skipped += 1
            continue
        fmt, cpu = generate_one(conditions, condition, variant, seed, run_id, args.out)
        cpu_total += cpu
        written += 1
        print("[%d/%d] %s (%s) %.1f s CPU" % (i, len(todo), run_id, fmt, cpu), flush=True)

    all_cpu = 0.0
    count = 0
    for _, _, _, run_id in run_ids(seeds):
        path = os.path.join(args.out, run_id, "truth.json")
        if os.path.exists(path):
            with open(path) as f:
                all_cpu += json.load(f)["generator"]["cpu_seconds"]
            count += 1
    print("wrote %d runs (%.0f s CPU), skipped %d already written; the %d runs here took %.0f s CPU to train in all"
          % (written, cpu_total, skipped, count, all_cpu))


if __name__ == "__main__":
    main()
