"""How each (condition, variant) is built: the training spec handed to trainer.train, and the log formats it may be
written in. The faults, allowed rules and root cause of each condition are in ../conditions.json."""

# Formats that log every few optimizer steps, and Keras' one row per epoch.
STEP_FORMATS = ["hf-trainer-state", "runlens-callback", "tensorboard", "lightning-csv", "jsonl"]
# Formats whose trainers do not clip gradients unless told to (the HF Trainer and its callback clip at 1.0 by default).
UNCLIPPED_FORMATS = ["tensorboard", "lightning-csv", "jsonl"]
ALL_FORMATS = STEP_FORMATS + ["keras-csv"]
# Formats that record the model's architecture (the HF config.json, the callback's model record, Lightning's hparams.yaml);
# Keras' CSVLogger and the plain JSONL write no config.
ARCH_FORMATS = ["hf-trainer-state", "runlens-callback", "tensorboard", "lightning-csv"]

BASE = {
    "optimizer": "adamw", "lr": 2e-3, "weight_decay": 0.01, "schedule": "warmup-cosine", "warmup_frac": 0.05,
    "batch_size": 64, "epochs": 30, "log_every": 5, "telemetry": "metrics",
}

MLP_DIGITS = {"task": "digits", "arch": "mlp", "model_args": {"hidden": [128], "dropout": 0.1}}
CNN_DIGITS = {"task": "digits-image", "arch": "cnn", "model_args": {"channels": 16, "dropout": 0.1}}
GRU_SEQ = {"task": "majority-tokens", "arch": "gru", "model_args": {"hidden_size": 32}, "lr": 3e-3, "batch_size": 32, "epochs": 12}
TRANSFORMER_SEQ = {"task": "majority-tokens", "arch": "transformer", "model_args": {"d_model": 32, "layers": 1, "heads": 2, "ff": 64},
                   "lr": 2e-3, "batch_size": 32, "epochs": 12}
MLP_CANCER = {"task": "breast-cancer", "arch": "mlp", "model_args": {"hidden": [32]}, "optimizer": "sgd", "lr": 0.02,
              "momentum": 0.9, "schedule": "linear", "warmup_frac": 0.0, "batch_size": 32}
MLP_SYNTH = {"task": "synthetic", "task_args": {"n_classes": 3, "class_sep": 1.0}, "arch": "mlp",
             "model_args": {"hidden": [64], "dropout": 0.1}}


def spec(*parts, **overrides):
    out = dict(BASE)
    for p in parts:
        out.update(p)
    out.update(overrides)
    return out


RECIPES = {
    # --- healthy ---------------------------------------------------------------------------------------------------
    ("healthy-converged", "mlp-digits"): (spec(MLP_DIGITS, predictions=True), ALL_FORMATS),
    ("healthy-converged", "cnn-digits"): (spec(CNN_DIGITS, epochs=20, predictions=True), STEP_FORMATS),
    ("healthy-converged", "gru-tokens"): (spec(GRU_SEQ, epochs=15, predictions=True), STEP_FORMATS),
    ("healthy-converged", "transformer-tokens"): (spec(TRANSFORMER_SEQ, epochs=15, predictions=True), STEP_FORMATS),
    ("healthy-converged", "mlp-cancer-sgd"): (spec(MLP_CANCER, epochs=12, weight_decay=1e-3, predictions=True), ALL_FORMATS),
    ("healthy-improving", "mlp-digits"): (spec(MLP_DIGITS, schedule="linear", warmup_frac=0.0, epochs=14), STEP_FORMATS),
    ("healthy-improving", "gru-tokens"): (spec(GRU_SEQ, lr=2e-3, schedule="linear", warmup_frac=0.0, epochs=10), STEP_FORMATS),
    ("healthy-early-stopped", "mlp-synthetic"): (spec(MLP_SYNTH, task_args={"n_classes": 3, "class_sep": 0.8, "n_train": 400},
                                                      model_args={"hidden": [256, 256]}, weight_decay=0.0, schedule="constant",
                                                      warmup_frac=0.0, lr=1e-3, epochs=100, early_stopping_patience=3),
                                                 ["hf-trainer-state", "runlens-callback"]),
    ("healthy-early-stopped", "gru-tokens"): (spec(GRU_SEQ, task_args={"n_train": 400}, model_args={"hidden_size": 64}, lr=1e-3,
                                                   schedule="constant", warmup_frac=0.0, epochs=60, early_stopping_patience=3),
                                              ["hf-trainer-state", "runlens-callback"]),
    # --- training dynamics -------------------------------------------------------------------------------------------
    ("overfitting", "loss-only"): (spec(MLP_SYNTH, task_args={"n_classes": 3, "class_sep": 0.8, "n_train": 300},
                                        model_args={"hidden": [512, 512]}, weight_decay=0.0, schedule="constant",
                                        warmup_frac=0.0, lr=1e-3, batch_size=32, epochs=60, log_every=2, telemetry="loss-only"),
                                   ALL_FORMATS),
    ("overfitting", "with-metric"): (spec(MLP_SYNTH, task_args={"n_classes": 3, "class_sep": 1.0, "n_train": 300, "flip_y": 0.15},
                                          model_args={"hidden": [512, 512]}, weight_decay=0.0, schedule="constant",
                                          warmup_frac=0.0, lr=1e-3, batch_size=32, epochs=60, log_every=2),
                                     ALL_FORMATS),
    ("overfitting", "gru-tokens"): (spec(GRU_SEQ, task_args={"n_train": 200, "flip": 0.2}, model_args={"hidden_size": 64},
                                         weight_decay=0.0, schedule="constant", warmup_frac=0.0, lr=3e-3, batch_size=16,
                                         epochs=40, log_every=2),
                                    STEP_FORMATS),
    ("lr-too-high", "constant"): (spec(MLP_DIGITS, model_args={"hidden": [128], "activation": "tanh"}, optimizer="adam",
                                       lr=0.3, schedule="constant", warmup_frac=0.0, weight_decay=0.0),
                                  UNCLIPPED_FORMATS + ["keras-csv"]),
    ("lr-too-high", "warmup"): (spec(MLP_SYNTH, model_args={"hidden": [128], "activation": "tanh"}, optimizer="adam", lr=0.3,
                                     schedule="warmup-constant", warmup_frac=0.25, weight_decay=0.0),
                                UNCLIPPED_FORMATS),
    ("lr-too-high", "clipped"): (spec(CNN_DIGITS, optimizer="sgd", lr=0.5, momentum=0.9, schedule="constant", warmup_frac=0.0,
                                      clip=1.0, weight_decay=0.0, epochs=20),
                                 ["hf-trainer-state", "runlens-callback", "lightning-csv"]),
    ("lr-too-low", "sgd-mlp"): (spec(MLP_DIGITS, optimizer="sgd", lr=2e-3, momentum=0.0, schedule="constant",
                                     warmup_frac=0.0), ALL_FORMATS),
    ("lr-too-low", "adam-gru"): (spec(GRU_SEQ, optimizer="adam", lr=3e-5, schedule="constant", warmup_frac=0.0),
                                 STEP_FORMATS),
    ("exploding-gradients", "rnn-relu-sgd"): (spec(GRU_SEQ, arch="rnn-relu", model_args={"hidden_size": 64, "recurrent_gain": 1.0},
                                                   optimizer="sgd", lr=0.05, momentum=0.9, schedule="constant",
                                                   warmup_frac=0.0, weight_decay=0.0), UNCLIPPED_FORMATS),
    ("exploding-gradients", "rnn-relu-adam"): (spec(GRU_SEQ, arch="rnn-relu", task_args={"length": 24},
                                                    model_args={"hidden_size": 64, "recurrent_gain": 1.0},
                                                    optimizer="adam", lr=1e-2, schedule="constant", warmup_frac=0.0,
                                                    weight_decay=0.0), UNCLIPPED_FORMATS),
    ("vanishing-gradients", "deep-sigmoid"): (spec(MLP_DIGITS, model_args={"hidden": [64] * 20, "activation": "sigmoid"},
                                                   optimizer="sgd", lr=0.05, momentum=0.9, schedule="constant",
                                                   warmup_frac=0.0, weight_decay=0.0), ARCH_FORMATS),
    ("vanishing-gradients", "deep-tanh"): (spec(MLP_SYNTH, model_args={"hidden": [64] * 30, "activation": "tanh", "init_std": 0.05},
                                                optimizer="sgd", lr=0.05, momentum=0.9, schedule="constant",
                                                warmup_frac=0.0, weight_decay=0.0), ARCH_FORMATS),
    ("underfitting-capacity", "linear-xor"): (spec({"task": "xor", "arch": "mlp", "model_args": {"hidden": []}},
                                                   lr=1e-2), ALL_FORMATS),
    ("underfitting-capacity", "narrow-mlp-digits"): (spec(MLP_DIGITS, model_args={"hidden": [2]}, lr=1e-2), ALL_FORMATS),
    ("stopped-too-early", "mlp-digits"): (spec(MLP_DIGITS, lr=1e-3, schedule="warmup-constant", epochs=30, max_steps=80,
                                           log_every=2, eval_every=8), STEP_FORMATS),
    ("stopped-too-early", "gru-tokens"): (spec(GRU_SEQ, schedule="warmup-constant", lr=1e-3, epochs=12, max_steps=80,
                                           log_every=2, eval_every=8), STEP_FORMATS),
    ("plateau", "lr-floor-mlp"): (spec(MLP_DIGITS, decay_frac=0.3, min_lr_frac=0.002, epochs=40, weight_decay=0.0),
                                  ALL_FORMATS),
    ("plateau", "lr-floor-gru"): (spec(GRU_SEQ, decay_frac=0.3, min_lr_frac=0.002, epochs=16), STEP_FORMATS),
    ("sudden-drop", "data-shift"): (spec(MLP_DIGITS, schedule="constant", warmup_frac=0.0, lr=1e-3, epochs=30,
                                         data_shift={"at_epoch": 15, "kind": "invert"}), UNCLIPPED_FORMATS),
    ("sudden-drop", "lr-spike"): (spec(CNN_DIGITS, epochs=24, lr_spike={"at_step": 240, "factor": 100.0, "steps": 5}),
                                  UNCLIPPED_FORMATS),
    ("numerical-overflow", "warmup-blowup"): (spec(MLP_SYNTH, model_args={"hidden": [128, 128], "activation": "leaky-relu"},
                                                   optimizer="sgd", momentum=0.9, lr=1.0, schedule="warmup-constant",
                                                   warmup_frac=0.6, weight_decay=0.0),
                                              UNCLIPPED_FORMATS),
    ("numerical-overflow", "unscaled-inputs"): (spec(MLP_CANCER, task_args={"standardise": False},
                                                     model_args={"hidden": [32], "activation": "leaky-relu"}, lr=2e-2,
                                                     schedule="warmup-constant", warmup_frac=0.6, weight_decay=0.0),
                                                UNCLIPPED_FORMATS),
    # --- data and labels -------------------------------------------------------------------------------------------
    ("label-noise", "symmetric"): (spec(MLP_DIGITS, label_noise={"kind": "symmetric", "rate": 0.25}, epochs=20,
                                        predictions=True, cv_predictions=True), STEP_FORMATS),
    ("label-noise", "class-pair"): (spec(MLP_DIGITS, label_noise={"kind": "pair", "rate": 0.35, "pairs": [[3, 8], [1, 7]]},
                                         epochs=20, predictions=True, cv_predictions=True), STEP_FORMATS),
    ("class-imbalance", "majority-collapse"): (spec({"task": "synthetic", "arch": "mlp", "model_args": {"hidden": [16]},
                                                     "task_args": {"n_classes": 3, "class_sep": 0.4, "weights": [0.82, 0.09, 0.09]}},
                                                    optimizer="sgd", lr=0.01, momentum=0.0, schedule="constant",
                                                    warmup_frac=0.0, epochs=15, predictions=True), STEP_FORMATS),
    ("class-imbalance", "binary-collapse"): (spec({"task": "synthetic", "arch": "mlp", "model_args": {"hidden": [16]},
                                                   "task_args": {"n_classes": 2, "class_sep": 0.3, "weights": [0.88, 0.12]}},
                                                  optimizer="sgd", lr=0.01, momentum=0.0, schedule="constant",
                                                  warmup_frac=0.0, epochs=15, predictions=True), STEP_FORMATS),
    ("no-signal", "small-model"): (spec(MLP_SYNTH, task_args={"n_classes": 4}, model_args={"hidden": [16]},
                                        shuffle_labels=True, weight_decay=0.05, predictions=True), ALL_FORMATS),
    ("no-signal", "large-model"): (spec(MLP_DIGITS, model_args={"hidden": [512, 512]}, task_args={"n_train": 400},
                                        shuffle_labels=True, weight_decay=0.0, schedule="constant", warmup_frac=0.0,
                                        lr=1e-3, epochs=60, batch_size=32, predictions=True), ALL_FORMATS),
    ("leakage", "duplicates"): (spec(MLP_SYNTH, task_args={"n_classes": 3, "class_sep": 0.6, "n_train": 500},
                                     model_args={"hidden": [256, 256]}, leak={"kind": "duplicates", "share": 0.7},
                                     weight_decay=0.0, schedule="constant", warmup_frac=0.0, lr=1e-3, epochs=40,
                                     batch_size=32, predictions=True), STEP_FORMATS),
    ("leakage", "target-feature"): (spec(MLP_SYNTH, task_args={"n_classes": 3, "class_sep": 0.6},
                                         leak={"kind": "target-feature"}, schedule="constant", warmup_frac=0.0,
                                         lr=1e-2, weight_decay=0.0, predictions=True), ALL_FORMATS),
    ("eval-too-small", "mlp-digits"): (spec(MLP_DIGITS, eval_size=12), ALL_FORMATS),
    ("eval-too-small", "cnn-digits"): (spec(CNN_DIGITS, epochs=20, eval_size=12), STEP_FORMATS),
    ("step-accounting", "epoch-counter"): (spec(MLP_DIGITS, batch_size=16, accumulation=4, epoch_counter_bug=True),
                                           ["runlens-callback"]),
    ("step-accounting", "accumulation-unrecorded"): (spec(MLP_DIGITS, batch_size=16, accumulation=4,
                                                          accumulation_unrecorded=True),
                                                     ["hf-trainer-state", "runlens-callback"]),
    ("schedule-restart", "mlp-digits"): (spec(MLP_DIGITS, lr=1e-2, warmup_frac=0.1, epochs=30, restart={"at_step": 400}),
                                         STEP_FORMATS),
    ("schedule-restart", "transformer-tokens"): (spec(TRANSFORMER_SEQ, lr=3e-3, warmup_frac=0.1, epochs=12,
                                                      restart={"at_step": 320}), STEP_FORMATS),
}
