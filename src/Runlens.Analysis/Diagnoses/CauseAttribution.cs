using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Diagnoses;

/// <summary>
/// Which cause a finding points at, read from its evidence and the run's learning rate: a sudden drop while the learning
/// rate spiked is the spike, one where the schedule climbed again after decaying is a restart, one where the rate did not
/// move is the data; gradient bursts while a warmup was still raising the rate are the rate. A finding either leads its
/// cause or supports one (joins the first of <c>Joins</c> that has a lead, else stands as its own cause).
/// </summary>
internal sealed class CauseAttribution
{
    private static readonly string[] Instability = ["lr-too-high", "exploding-gradients", "numerical-overflow", "lr-spike", "schedule-restart"];
    private static readonly string[] Sudden = ["lr-spike", "schedule-restart", "data-shift", "sudden-change"];

    private readonly IReadOnlyList<Finding> _findings;
    private readonly LearningRateAt? _lr;
    private readonly long _span;

    public CauseAttribution(IReadOnlyList<Finding> findings, Run? run)
    {
        _findings = findings;
        var lr = run?.Get(MetricNames.LearningRate);
        _lr = LearningRateAt.Of(lr);
        _span = lr is { Count: >= 2 } s ? Math.Max(1, s.Last.Step - s.First.Step) : 1;
        _leaked = findings.Any(f => f.Severity >= Severity.Warning && Leakage.Contains(f.Rule));
        _memorising = findings.Any(f => f.Severity >= Severity.Warning && f.Rule is "group-consistency" or "group-memorization");
        // Mislabelled data shows as modest gradients at the clip and a concerning (not exploding) spread, with a finite
        // loss that does not climb: bursts, overflow or divergence point at the optimisation instead.
        _mislabelled = !_memorising
            && findings.Any(f => f.Evidence is LossStdEvidence { Level: "severe" or "never-settles" })
            && findings.Any(f => f.Evidence is GradNormStdEvidence { Level: "concerning" } || f.Rule == "clipping-saturation")
            && !findings.Any(f => f.Rule is "divergence" || f.Evidence is ExplodingGradientsEvidence { Jumps: > 0 } || f.Evidence is GradNormStdEvidence { Level: "critical" });
        _vanishing = findings.Any(f => f.Rule == "vanishing-gradients" && f.Severity >= Severity.Warning);
        _evalTooSmall = findings.Any(f => f.Rule == "eval-too-small" && f.Severity >= Severity.Warning);
        _capacity = findings.FirstOrDefault(f => f.Evidence is PredictionEntropyEvidence { Level: "uncertain" })?.Evidence is PredictionEntropyEvidence h
            && (findings.Any(f => f.Rule is "underfitting" or "plateau")
                || (h.Accuracy is { } val && h.TrainAccuracy is { } train && Math.Abs(train - val) <= 0.1 && train < 0.6));
    }

    /// <summary>Data-audit checks (<c>--data-dir</c>) whose findings mean the validation data leaks from training.</summary>
    private static readonly string[] Leakage = ["split-leakage", "feature-encodes-label", "id-predicts-label"];

    /// <summary>Run findings that leaked validation data explains: scores judged on copies of training examples (overfitting
    /// on the fresh rest, a past-best or missed stop read from them) or on an answer in the inputs (values that cannot be
    /// right, a loss and a metric that part ways).</summary>
    private static readonly string[] LeakageExplains = ["suspicious-values", "overfitting", "past-best-checkpoint", "early-stopping",
        "stop-criteria", "metric-disagreement", "overconfidence", "prediction-entropy"];

    private readonly bool _leaked;

    /// <summary>A data-audit finding (RL07xx, added by <c>--data-dir</c>) other than leaked validation data: it describes
    /// the dataset (out-of-range values, a missing column value, class shares), not how the run trained, so it is reported
    /// but is no root cause of the run.</summary>
    public static bool DescribesOnlyTheData(Finding f) => f.RuleId.StartsWith("RL07", StringComparison.Ordinal) && !Leakage.Contains(f.Rule);

    private readonly bool _vanishing;
    private readonly bool _evalTooSmall;

    /// <summary>Findings read from where the validation loss or metric turned: on an evaluation set too small to measure
    /// the model, that turn is as much the drawn examples as the model.</summary>
    private static readonly string[] ReadFromTheValidationTurn = ["overfitting", "past-best-checkpoint", "early-stopping", "stop-criteria"];
    private readonly bool _mislabelled;
    private readonly bool _memorising;
    private readonly bool _capacity;

    /// <summary>The cause a finding leads (no joins), or the causes it supports in order and the one it forms alone.</summary>
    public (string Id, string[] Joins) Of(Finding f) => TrainingPattern(f) ?? f.Evidence switch
    {
        DivergenceNonFiniteEvidence d => GradientsExplodedBefore(d.FirstNonFiniteStep) ? ("numerical-overflow", ["exploding-gradients"]) : ("numerical-overflow", []),
        DivergenceEvidence => ("diverging", [.. Instability, .. Sudden]),
        ExplodingGradientsEvidence e => Exploding(e),
        SuddenMetricDropEvidence s => Sudden2(s.FromStep, s.ToStep, TrainLossJumpedNear(s.FromStep, s.ToStep)),
        ChangePointEvidence { DataShift: true } => ("data-shift", []),
        ChangePointEvidence c => Sudden2(c.ChangeStep, c.ChangeStep, trainLossJumped: true),
        ScheduleRestartEvidence => ("schedule-restart", []),
        LossStdEvidence { Level: "severe" or "never-settles" } => ("label-noise", ["numerical-overflow", "exploding-gradients", "lr-spike", "schedule-restart", "diverging"]),
        LossStdEvidence { Level: "rising" } => ("overfitting", ["overfitting", "memorising-groups", "trained-past-best", .. Instability]),
        LossStdEvidence => ("label-noise", [.. Instability, "label-noise"]),
        GradNormStdEvidence => ("unstable-gradients", [.. Instability]),
        PredictionEntropyEvidence { Level: "overconfident" } => ("overconfidence", ["memorising-groups", "label-noise", "overfitting", "has-not-learned-the-task"]),
        PredictionEntropyEvidence => ("underfitting-capacity", _capacity ? [] : ["has-not-learned-the-task", "vanishing-gradients", "lr-too-low", "label-noise", "underfitting"]),
        GroupConsistencyEvidence => ("memorising-groups", []),
        StopCriteriaEvidence => ("trained-past-best", ["overfitting", "trained-past-best", .. Instability]),
        LossSpikesEvidence l => RateChange(l.LargestStep, l.LargestStep) switch
        {
            "lr-spike" => ("lr-spike", []),
            "schedule-restart" => ("schedule-restart", []),
            _ => ByRule(f.Rule),
        },
        ClassImbalancePredictionsEvidence c => Imbalanced(c.MajorityFraction, c.Supports.Length) ? ("class-imbalance", [])
            : c.BelowMajorityBaseline ? ("has-not-learned-the-task", []) : ("weak-classes", ["has-not-learned-the-task", "label-noise"]),
        ClassImbalanceEvidence => ("weak-classes", ["eval-too-small", "class-imbalance", "has-not-learned-the-task", "label-noise"]),
        // A loss that never left ln K: the model learned nothing; a deep sigmoid/tanh stack in the config names the cause.
        UnderfittingEvidence { AtChance: true } u => u.SaturatingActivation is not null && u.Layers >= u.ThresholdDeepLayers
            ? ("vanishing-gradients", ["vanishing-gradients", "lr-too-low"])
            : ("has-not-learned-the-task", ["lr-too-low", "vanishing-gradients", "has-not-learned-the-task"]),
        PredictionCollapseEvidence p => Imbalanced(p.MajorityLabelFraction, p.ClassesLabelled) ? ("class-imbalance", []) : ("has-not-learned-the-task", []),
        _ => ByRule(f.Rule),
    };

    /// <summary>
    /// The named patterns of a training-metrics reference, attributed when their signals agree. Leaked validation data (a
    /// data-audit finding of split leakage or of a feature that encodes the label): the scores judged on it — overfitting,
    /// a past-best checkpoint, values that cannot be right — are the leak's doing. Mislabelled data: a
    /// per-batch loss spread that stays high (loss-std severe or never settling) together with unstable or clipped
    /// gradients — the gradient findings are then the labels' doing, not the learning rate's. Memorising groups: a group
    /// (speaker) consistency far above what generalisation gives — overfitting, overconfidence and a missed stop are then
    /// that memorisation. Insufficient capacity: a model still unsure late in training (prediction entropy at the
    /// early-training level) whose training and validation scores are alike and low, or that underfits or plateaus — the
    /// flat curves are then the model's size. Null when no pattern claims the finding.
    /// </summary>
    private (string, string[])? TrainingPattern(Finding f)
    {
        if (_leaked && LeakageExplains.Contains(f.Rule))
        {
            return (ByRule(f.Rule).Item1, ["leakage"]);
        }

        // An evaluation set too small to measure the model (eval-too-small): a validation loss that rose after its best on a
        // few dozen examples, the best checkpoint and the missed stop read from it, cannot be told from the set's noise until
        // the set is larger. They join that cause (listed under it) rather than lead their own.
        if (_evalTooSmall && ReadFromTheValidationTurn.Contains(f.Rule))
        {
            return (ByRule(f.Rule).Item1, ["eval-too-small"]);
        }

        if (_mislabelled && f.Rule is "grad-norm-std" or "clipping-saturation" or "lr-too-high" or "exploding-gradients" or "loss-spikes")
        {
            return (f.Rule, ["label-noise"]);
        }

        if (_memorising && f.Rule is "overfitting" or "overconfidence" or "prediction-entropy" or "past-best-checkpoint" or "early-stopping" or "stop-criteria" or "loss-std" or "metric-disagreement"
            && f.Evidence is not PredictionEntropyEvidence { Level: "uncertain" } && f.Evidence is not LossStdEvidence { Level: "severe" or "never-settles" })
        {
            return (f.Rule, ["memorising-groups"]);
        }

        // Vanishing gradients (measured, or read from a deep sigmoid/tanh stack in the config): a slow or flat loss is their
        // consequence, and the architecture is what to change before the learning rate.
        if (_vanishing && f.Rule is "lr-too-low" or "plateau" or "underfitting")
        {
            return (f.Rule, ["vanishing-gradients"]);
        }

        if (_capacity && f.Rule is "underfitting" or "plateau" or "early-stopping" or "lr-too-low")
        {
            return (f.Rule, ["underfitting-capacity"]);
        }

        return null;
    }

    private static (string, string[]) ByRule(string rule) => rule switch
    {
        "failed-run" => ("run-failed", []),
        "split-leakage" or "feature-encodes-label" or "id-predicts-label" => ("leakage", []),
        "suspicious-values" => ("broken-values", []),
        "metric-anomaly" => ("broken-values", ["broken-values", "eval-too-small", .. Sudden, .. Instability]),
        "epoch-step-mismatch" => ("step-accounting", []),
        "eval-too-small" => ("eval-too-small", []),
        "lr-too-high" or "clipping-saturation" => ("lr-too-high", []),
        "loss-spikes" => ("loss-spikes", [.. Instability, "label-noise"]),
        "label-noise" => ("label-noise", []),
        "weak-classes" or "confusion-pairs" or "top-k-gap" => ("weak-classes", ["eval-too-small", "label-noise", "class-imbalance", "has-not-learned-the-task"]),
        "overconfidence" => ("overconfidence", ["label-noise", "overfitting", "has-not-learned-the-task"]),
        "group-memorization" => ("memorising-groups", []),
        "slice-gap" or "dataset-gap" => ("slice-gap", []),
        "vanishing-gradients" => ("vanishing-gradients", []),
        "lr-too-low" => ("lr-too-low", []),
        "underfitting" => ("underfitting", ["exploding-gradients", "vanishing-gradients", "lr-too-low", "has-not-learned-the-task"]),
        "not-converged" => ("stopped-too-early", ["lr-too-low"]),
        "overfitting" => ("overfitting", []),
        "past-best-checkpoint" or "early-stopping" => ("trained-past-best", ["overfitting", .. Instability, .. Sudden, "diverging", "plateau", "eval-too-small"]),
        "plateau" => ("plateau", []),
        "metric-disagreement" => ("judged-by-the-wrong-metric", [.. Instability, "label-noise", "has-not-learned-the-task", "eval-too-small"]),
        "hardware-underused" => ("hardware-underused", []),
        "seed-variance" => ("seed-variance", []),
        _ => (rule, []),
    };

    /// <summary>A class share far above an even split: 1.5 times its share of K classes, and at least three quarters for two.</summary>
    private static bool Imbalanced(double majorityFraction, int classes) =>
        classes >= 2 && majorityFraction >= Math.Min(0.75, 1.5 / classes);

    private (string, string[]) Exploding(ExplodingGradientsEvidence e)
    {
        if (e.NonFinitePoints > 0 && e.Jumps == 0 && !(e.Median > e.ThresholdHugeNorm))
        {
            return ("numerical-overflow", []); // non-finite without a burst before: overflow
        }

        if (e.Median > e.ThresholdHugeNorm)
        {
            return ("exploding-gradients", []); // huge throughout (a NaN loss that follows leads numerical-overflow)
        }

        // A burst or two where the training data changed (a steady rate, validation rising after): the new data's large
        // loss drove the gradient, and the data is the cause.
        if (e.Jumps <= 2 && e.FirstJumpStep is { } at && _findings.Any(f => f.Evidence is ChangePointEvidence { DataShift: true } c
            && Math.Abs(c.ChangeStep - at) <= Math.Max(1, _span / 20)))
        {
            return ("exploding-gradients", ["data-shift"]);
        }

        // Bursts while a warmup was still raising the learning rate: the rate is the cause, and the blow-up its result.
        return e.FirstJumpStep is { } first && RateStillRising(first)
            ? ("lr-too-high", ["numerical-overflow", "lr-too-high"])
            : ("exploding-gradients", []);
    }

    private bool GradientsExplodedBefore(long step) => _findings.Any(f => f.Evidence is ExplodingGradientsEvidence { Jumps: > 0 } e
        && e.Median <= e.ThresholdHugeNorm && e.FirstJumpStep is { } first && first <= step && !RateStillRising(first));

    private bool RateStillRising(long step) => _lr is not null && _lr.NonDecreasingUntil(step)
        && _lr[step] >= 1.2 * _lr.Min(long.MinValue, step) && _lr.Max(step, long.MaxValue) > _lr[step] * 1.05;

    private bool TrainLossJumpedNear(long from, long to)
    {
        var margin = Math.Max(to - from, _span / 20);
        return _findings.Any(f => f.Evidence is ChangePointEvidence c && c.ChangeStep >= from - margin && c.ChangeStep <= to + margin);
    }

    /// <summary>A sudden change between <paramref name="from"/> and <paramref name="to"/>, told apart by the learning rate.</summary>
    private (string, string[]) Sudden2(long from, long to, bool trainLossJumped)
    {
        string[] joins = [.. Instability, "overfitting", "diverging", "eval-too-small"];
        return RateChange(from, to) switch
        {
            "lr-spike" => ("lr-spike", []),
            "schedule-restart" => ("schedule-restart", []),
            "rising" => ("lr-too-high", ["lr-too-high"]),
            "steady" when trainLossJumped => ("data-shift", []),
            _ => ("sudden-change", trainLossJumped ? [] : joins),
        };
    }

    /// <summary>What the learning rate did around a change: <c>lr-spike</c> (up at least 3× and back down soon after),
    /// <c>schedule-restart</c> (up at least 3× for longer, after having decayed from a higher value), <c>rising</c> (up 3× for
    /// the first time: a warmup), <c>steady</c> (within 20%), <c>moved</c> (anything else), or null when none is logged.</summary>
    private string? RateChange(long from, long to)
    {
        if (_lr is null)
        {
            return null;
        }

        // The lowest rate over the 15% of the run before the change (a restarted warmup may have begun climbing a while
        // before the loss reacted), and its peak from there to a twentieth of the run after it.
        var window = Math.Max(1, _span / 20);
        var before = _lr.Min(from - (3 * window), from - 1);
        var peak = _lr.Max(from - (3 * window), to + window);
        if (!(before > 0))
        {
            return "moved";
        }

        if (peak >= 3 * before)
        {
            // A restart comes after a decay: the rate was higher before the window than at its lowest in it. A warmup still
            // climbing through the window was lower before it (its latest values, inside the window, are no decay).
            return _lr[to + (2 * window)] < 1.5 * before ? "lr-spike"
                : _lr.Max(long.MinValue, from - (3 * window) - 1) >= 1.5 * before ? "schedule-restart" : "rising";
        }

        return peak <= 1.2 * before ? "steady" : "moved";
    }
}
