"""A user's own training command for runlens agent's tests (trainer.kind: command): no torch, well under a second.

    python3 quick_trainer.py --config {config} --seed {seed} --out {out} --callback-dir clients/python [--crash]

It reads the experiment config the agent wrote, "trains" a model whose quality grows with the epochs and suffers from a
learning rate below 1e-4, and writes what a real trainer writes: runlens.jsonl through runlens_callback.RunlensCallback
(a falling training loss per step, validation loss and accuracy per epoch) and predictions.csv (200 validation examples,
4 classes, with probabilities), all drawn from a generator seeded with --seed. With --crash it fails at once with a
Python traceback, as a broken data pipeline would. With --hog-mb N (for --hog-seed S only, when given) it first fills
N MB of memory 16 MB at a time, as a leaking data loader would, and holds it while it trains.
"""
import argparse
import json
import math
import os
import random
import sys


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def to_dict(self):
        return dict(self._config)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--callback-dir", required=True)
    p.add_argument("--crash", action="store_true")
    p.add_argument("--hog-mb", type=int, default=0)
    p.add_argument("--hog-seed", type=int)
    a = p.parse_args()
    if a.crash:
        raise RuntimeError("the data loader lost its files: /data/train-00001.parquet is missing")
    hog = []
    if a.hog_mb and a.hog_seed in (None, a.seed):
        import time
        for _ in range(a.hog_mb // 16):
            hog.append(bytearray(b"x") * (16 << 20))  # written, so resident
            time.sleep(0.01)
    sys.path.insert(0, a.callback_dir)
    from runlens_callback import RunlensCallback

    with open(a.config, encoding="utf-8") as f:
        config = json.load(f)
    training = config["training"]
    lr, epochs = float(training["learning_rate"]), int(training["epochs"])
    quality = min(0.97, 0.3 + 0.08 * epochs) * (1.0 if lr >= 1e-4 else 0.6)
    rng = random.Random(a.seed)
    steps_per_epoch = 10
    flat = {"learning_rate": lr, "epochs": epochs, "batch_size": training["batch_size"], "seed": a.seed}
    args = Obj(output_dir=a.out, run_name=os.path.basename(a.out), _config=flat)
    state = Obj(global_step=0, epoch=0.0, max_steps=epochs * steps_per_epoch, num_train_epochs=epochs, train_batch_size=32,
                is_world_process_zero=True, best_metric=None, best_model_checkpoint=None)
    control = Obj(should_training_stop=False)
    cb = RunlensCallback(dir=a.out)
    cb.on_train_begin(args, state, control)
    for epoch in range(epochs):
        for _ in range(steps_per_epoch):
            state.global_step += 1
            state.epoch = state.global_step / steps_per_epoch
            progress = state.global_step / (epochs * steps_per_epoch)
            loss = 1.4 * (1 - quality * progress) + rng.uniform(-0.02, 0.02)
            cb.on_log(args, state, control, logs={"loss": loss, "learning_rate": lr})
        acc = quality * (epoch + 1) / epochs
        cb.on_evaluate(args, state, control, metrics={"eval_loss": 1.4 * (1 - acc) + 0.05, "eval_accuracy": acc})
    cb.on_train_end(args, state, control)
    cb.close()
    classes = ["a", "b", "c", "d"]
    with open(os.path.join(a.out, "predictions.csv"), "w", encoding="utf-8") as f:
        f.write("example_id,label,predicted," + ",".join("prob_" + c for c in classes) + "\n")
        for i in range(200):
            label = i % 4
            right = rng.random() < quality
            predicted = label if right else (label + 1 + rng.randrange(3)) % 4
            probs = [0.1] * 4
            probs[predicted] = 0.7
            f.write("%d,%s,%s,%s\n" % (i, classes[label], classes[predicted], ",".join(str(x) for x in probs)))


if __name__ == "__main__":
    main()
