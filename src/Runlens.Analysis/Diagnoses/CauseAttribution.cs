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
    }

    /// <summary>The cause a finding leads (no joins), or the causes it supports in order and the one it forms alone.</summary>
    public (string Id, string[] Joins) Of(Finding f) => f.Evidence switch
    {
        DivergenceNonFiniteEvidence d => GradientsExplodedBefore(d.FirstNonFiniteStep) ? ("numerical-overflow", ["exploding-gradients"]) : ("numerical-overflow", []),
        DivergenceEvidence => ("diverging", [.. Instability, .. Sudden]),
        ExplodingGradientsEvidence e => Exploding(e),
        SuddenMetricDropEvidence s => Sudden2(s.FromStep, s.ToStep, TrainLossJumpedNear(s.FromStep, s.ToStep)),
        ChangePointEvidence { DataShift: true } => ("data-shift", []),
        ChangePointEvidence c => Sudden2(c.ChangeStep, c.ChangeStep, trainLossJumped: true),
        ScheduleRestartEvidence => ("schedule-restart", []),
        LossSpikesEvidence l => RateChange(l.LargestStep, l.LargestStep) switch
        {
            "lr-spike" => ("lr-spike", []),
            "schedule-restart" => ("schedule-restart", []),
            _ => ByRule(f.Rule),
        },
        ClassImbalancePredictionsEvidence c => Imbalanced(c.MajorityFraction, c.Supports.Length) ? ("class-imbalance", [])
            : c.BelowMajorityBaseline ? ("has-not-learned-the-task", []) : ("weak-classes", ["has-not-learned-the-task", "label-noise"]),
        ClassImbalanceEvidence => ("weak-classes", ["eval-too-small", "class-imbalance", "has-not-learned-the-task", "label-noise"]),
        LabelNoiseEvidence l => AtChance(l) ? ("has-not-learned-the-task", []) : ("label-noise", []),
        // A loss that never left ln K: the model learned nothing; a deep sigmoid/tanh stack in the config names the cause.
        UnderfittingEvidence { AtChance: true } u => u.SaturatingActivation is not null && u.Layers >= u.ThresholdDeepLayers
            ? ("vanishing-gradients", ["lr-too-low", "vanishing-gradients"])
            : ("has-not-learned-the-task", ["lr-too-low", "vanishing-gradients", "has-not-learned-the-task"]),
        PredictionCollapseEvidence p => Imbalanced(p.MajorityLabelFraction, p.ClassesLabelled) ? ("class-imbalance", []) : ("has-not-learned-the-task", []),
        _ => ByRule(f.Rule),
    };

    private static (string, string[]) ByRule(string rule) => rule switch
    {
        "failed-run" => ("run-failed", []),
        "suspicious-values" => ("broken-values", []),
        "metric-anomaly" => ("broken-values", ["broken-values", "eval-too-small", .. Sudden, .. Instability]),
        "epoch-step-mismatch" => ("step-accounting", []),
        "eval-too-small" => ("eval-too-small", []),
        "lr-too-high" or "clipping-saturation" => ("lr-too-high", []),
        "loss-spikes" => ("loss-spikes", [.. Instability, "label-noise"]),
        "label-noise" => ("label-noise", []),
        "weak-classes" or "confusion-pairs" => ("weak-classes", ["eval-too-small", "label-noise", "class-imbalance", "has-not-learned-the-task"]),
        "overconfidence" => ("overconfidence", ["label-noise", "overfitting", "has-not-learned-the-task"]),
        "group-memorization" => ("memorising-groups", []),
        "slice-gap" => ("slice-gap", []),
        "vanishing-gradients" => ("vanishing-gradients", []),
        "lr-too-low" => ("lr-too-low", []),
        "underfitting" => ("underfitting", ["vanishing-gradients", "lr-too-low", "has-not-learned-the-task"]),
        "not-converged" => ("stopped-too-early", ["lr-too-low"]),
        "overfitting" => ("overfitting", []),
        "past-best-checkpoint" or "early-stopping" => ("trained-past-best", ["overfitting", .. Instability, .. Sudden, "diverging", "plateau", "eval-too-small"]),
        "plateau" => ("plateau", []),
        "metric-disagreement" => ("judged-by-the-wrong-metric", [.. Instability, "label-noise", "has-not-learned-the-task", "eval-too-small"]),
        "hardware-underused" => ("hardware-underused", []),
        "seed-variance" => ("seed-variance", []),
        _ => (rule, []),
    };

    /// <summary>Predictions no better than a trivial guess (the larger of 1/K and the majority share, plus two standard
    /// errors): when they contradict most labels, the labels are not "noisy" — the model has learned nothing to check
    /// them against (labels that carry no signal, or a model that never learned).</summary>
    private static bool AtChance(LabelNoiseEvidence l)
    {
        if (l.Examples <= 0 || l.ClassThresholds.Length < 2)
        {
            return false;
        }

        var chance = Math.Max(1.0 / l.ClassThresholds.Length, l.ClassThresholds.Max(c => c.LabelledExamples) / (double)l.Examples);
        return l.Accuracy <= chance + (2 * Math.Sqrt(chance * (1 - chance) / l.Examples));
    }

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
            return _lr[to + (2 * window)] < 1.5 * before ? "lr-spike"
                : _lr.Max(long.MinValue, from - 1) >= 1.5 * before ? "schedule-restart" : "rising";
        }

        return peak <= 1.2 * before ? "steady" : "moved";
    }
}
