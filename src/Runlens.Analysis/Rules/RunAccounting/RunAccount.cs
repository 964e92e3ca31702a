using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>
/// The run's bookkeeping, worked out from its config, dataset sizes and logs: the effective batch, the steps an epoch
/// takes, how much of an epoch the steps cover against what the epoch counter says, how often it evaluated and saved,
/// its runtime and FLOPs. Every field is null when the run does not record what it needs; <see cref="Arithmetic"/>
/// spells out each figure that could be worked out ("16 = 4 per device × 1 device × 4 accumulation").
/// </summary>
/// <param name="TrainExamples">Training examples the run records.</param>
/// <param name="EvalExamples">Evaluation examples the run records.</param>
/// <param name="TestExamples">Test examples the run records.</param>
/// <param name="BatchPerDevice">Batch size per device (config, else the trainer's own figure).</param>
/// <param name="Devices">Devices the config names (1 when not set).</param>
/// <param name="GradientAccumulation">Gradient-accumulation steps (1 when not set).</param>
/// <param name="EffectiveBatch">Examples per optimiser step: batch per device × devices × accumulation.</param>
/// <param name="StepsPerEpoch">Optimiser steps one pass over the training set takes: ceil(examples / (batch × devices)) / accumulation.</param>
/// <param name="Steps">Optimiser steps the run took (the trainer's global step, else the last logged step).</param>
/// <param name="EpochsFromSteps">Steps over steps per epoch: the epochs the steps cover.</param>
/// <param name="EpochsLogged">The epoch counter at the end of the run, as logged.</param>
/// <param name="LoggedStepsPerEpoch">Steps per epoch the epoch counter implies: the step over the epoch at the last log
/// with a fractional epoch counter (null when the counter is whole epochs only).</param>
/// <param name="PlannedEpochs">Epochs the run was configured for (<c>num_train_epochs</c>).</param>
/// <param name="MaxSteps">Steps the run was configured for (<c>max_steps</c>).</param>
/// <param name="Evaluations">Evaluations logged (distinct steps of the validation loss, else of the validation series
/// logged most often).</param>
/// <param name="EvaluationEvery">Steps between evaluations: the median gap between the logged ones, else <c>eval_steps</c>.</param>
/// <param name="Checkpoints">Checkpoints the run saved and the logs name.</param>
/// <param name="SaveEvery">Steps between checkpoints: the median gap between the saved ones, else <c>save_steps</c> when
/// <c>save_strategy</c> is <c>steps</c>.</param>
/// <param name="RuntimeSeconds">Training time in seconds, when logged (<c>train_runtime</c>).</param>
/// <param name="TotalFlos">Floating-point operations of the run, when logged (<c>total_flos</c>).</param>
/// <param name="EpochIndexed">The run logs once per epoch and its steps are epoch numbers (Keras, epoch-indexed CSV):
/// reports count its epochs, not steps.</param>
/// <param name="EpochsRun">Epochs the run logged, counted (20 for a run logged at epochs 0 to 19); null unless
/// <paramref name="EpochIndexed"/>.</param>
/// <param name="Arithmetic">Each worked-out figure as a sentence with its arithmetic, in the order above.</param>
public sealed record RunAccount(
    long? TrainExamples,
    long? EvalExamples,
    long? TestExamples,
    double? BatchPerDevice,
    double Devices,
    double GradientAccumulation,
    double? EffectiveBatch,
    double? StepsPerEpoch,
    long? Steps,
    double? EpochsFromSteps,
    double? EpochsLogged,
    double? LoggedStepsPerEpoch,
    double? PlannedEpochs,
    long? MaxSteps,
    int Evaluations,
    long? EvaluationEvery,
    int Checkpoints,
    long? SaveEvery,
    double? RuntimeSeconds,
    double? TotalFlos,
    bool EpochIndexed,
    int? EpochsRun,
    ImmutableArray<string> Arithmetic)
{
    /// <summary>The config keys that name the batch size per device, most specific first.</summary>
    public static readonly ImmutableArray<string> BatchKeys = ["per_device_train_batch_size", "train_batch_size", "batch_size"];

    public static readonly ImmutableArray<string> AccumulationKeys = ["gradient_accumulation_steps", "accumulate_grad_batches"];

    public static readonly ImmutableArray<string> DeviceKeys = ["world_size", "n_gpu", "devices", "num_devices"];

    /// <summary>True when the run records anything this account can show.</summary>
    public bool IsEmpty => Arithmetic.IsEmpty && TrainExamples is null && EvalExamples is null && TestExamples is null && BatchPerDevice is null
        && Steps is null && Evaluations == 0 && Checkpoints == 0 && RuntimeSeconds is null && TotalFlos is null;

    /// <summary>The account of <paramref name="run"/>.</summary>
    public static RunAccount Of(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var config = run.Config;
        var batch = config.Number([.. BatchKeys]) ?? run.Trainer.TrainBatchSize;
        batch = batch is > 0 ? batch : null;
        var accumulationRecorded = config.Number([.. AccumulationKeys]);
        var devicesRecorded = config.Number([.. DeviceKeys]);
        var accumulation = Math.Max(1, accumulationRecorded ?? 1);
        var devices = Math.Max(1, devicesRecorded ?? 1);
        double? effective = batch is { } b ? b * devices * accumulation : null;
        var examples = run.Dataset.TrainExamples is > 0 ? run.Dataset.TrainExamples : null;
        double? stepsPerEpoch = examples is { } n && batch is { } bb ? StepsPerEpochOf(n, bb, devices, accumulation) : null;

        var steps = run.Trainer.GlobalStep ?? TrainingLastStep(run);
        var epochs = run.Trainer.Epoch ?? LastEpoch(run);
        double? fromSteps = steps is { } s && stepsPerEpoch is > 0 ? s / stepsPerEpoch.Value : null;
        var loggedPerEpoch = LoggedStepsPerEpochOf(run);

        var evalSteps = EvaluationSteps(run);
        long? evalEvery = MedianGap(evalSteps) ?? PositiveWhole(config.Number("eval_steps")) ?? run.Trainer.EvalSteps;
        var checkpointSteps = new long[run.Checkpoints.Length];
        for (var i = 0; i < checkpointSteps.Length; i++)
        {
            checkpointSteps[i] = run.Checkpoints[i].Step;
        }

        checkpointSteps = SortedDistinct(checkpointSteps);
        // save_steps is written whatever the strategy (an epoch-saving run keeps the default 500): it counts only when the
        // config says checkpoints are saved by steps.
        var bySteps = config.Get("save_strategy") is { Kind: ConfigValueKind.String } strategy && strategy.Text == "steps";
        long? saveEvery = MedianGap(checkpointSteps) ?? (bySteps ? PositiveWhole(config.Number("save_steps")) ?? run.Trainer.SaveSteps : null);
        double? runtime = run.Summary.TryGetValue("train_runtime", out var rt) && Finite.Is(rt) && rt > 0 ? rt : null;
        double? flos = run.Summary.TryGetValue("total_flos", out var fl) && Finite.Is(fl) && fl > 0 ? fl : null;
        var planned = run.Trainer.NumTrainEpochs ?? config.Number("num_train_epochs", "max_epochs", "epochs");
        var maxSteps = run.Trainer.MaxSteps is > 0 ? run.Trainer.MaxSteps : PositiveWhole(config.Number("max_steps"));

        var indexed = EpochIndexedCount(run);
        var lines = ImmutableArray.CreateBuilder<string>();
        if (batch is { } pb && effective is { } eb)
        {
            var assumed = (devicesRecorded, accumulationRecorded) switch
            {
                (null, null) => " (devices and accumulation not recorded: 1 assumed)",
                (null, _) => " (devices not recorded: 1 assumed)",
                (_, null) => " (accumulation not recorded: 1 assumed)",
                _ => "",
            };
            lines.Add(Invariant($"Effective batch {Count(eb)} = {Count(pb)} per device × {Count(devices)} device{(devices == 1 ? "" : "s")} × {Count(accumulation)} accumulation{assumed}."));
        }

        if (examples is { } ex && effective is { } e2 && stepsPerEpoch is { } spe)
        {
            lines.Add(Invariant($"{Count(ex)} training examples / {Count(e2)} per step = {Count(spe)} steps per epoch."));
        }

        if (steps is { } st && fromSteps is { } fs && stepsPerEpoch is { } spe2)
        {
            var seen = Invariant($"{Format.Step(st)} steps / {Count(spe2)} per epoch = {Epochs(fs)}");
            seen += epochs is { } logged
                ? Invariant($"; the epoch counter says {Epochs(logged)}.")
                : ".";
            lines.Add(seen);
        }

        if (evalSteps.Length > 0)
        {
            lines.Add(Invariant($"{Format.Step(evalSteps.Length)} evaluation{(evalSteps.Length == 1 ? "" : "s")}")
                + (evalEvery is { } ee ? (indexed is not null ? (ee == 1 ? ", one per epoch" : Invariant($", every {Format.Step(ee)} epochs"))
                    : ee == 1 ? ", every step" : Invariant($", every {Format.Step(ee)} steps")) : "")
                + (stepsPerEpoch is { } spe3 && evalEvery is { } ee2 ? Invariant($" ({Epochs(ee2 / spe3)})") : "") + ".");
        }

        if (checkpointSteps.Length > 0)
        {
            lines.Add(Invariant($"{Format.Step(checkpointSteps.Length)} checkpoint{(checkpointSteps.Length == 1 ? "" : "s")} named in the logs")
                + (saveEvery is { } se ? Invariant($", saved every {Format.Step(se)} steps") : "") + ".");
        }
        else if (saveEvery is { } se2)
        {
            lines.Add(Invariant($"Checkpoints saved every {Format.Step(se2)} steps (by the config)."));
        }

        return new RunAccount(examples, run.Dataset.EvalExamples, run.Dataset.TestExamples, batch, devices, accumulation, effective,
            stepsPerEpoch, steps, fromSteps, epochs, loggedPerEpoch, planned, maxSteps, evalSteps.Length, evalEvery, checkpointSteps.Length,
            saveEvery, runtime, flos, indexed is not null, indexed, lines.ToImmutable());
    }

    /// <summary>ceil(examples / (batch × devices)) / accumulation: the batches one pass yields, over the batches one
    /// optimiser step takes.</summary>
    public static double StepsPerEpochOf(double examples, double batchPerDevice, double devices, double accumulation) =>
        Math.Ceiling(examples / (batchPerDevice * devices)) / accumulation;

    /// <summary>A count as people write it: thousands separated, no decimals when whole.</summary>
    public static string Count(double v) =>
        Finite.Is(v) && v == Math.Round(v) && Math.Abs(v) < 1e15
            ? ((long)v).ToString("N0", CultureInfo.InvariantCulture)
            : Format.Number(v);

    /// <summary>An epoch count as people say it: "0.96 of an epoch", "1 epoch", "2.5 epochs".</summary>
    public static string Epochs(double epochs)
    {
        if (epochs < 1)
        {
            return (epochs < 0.01 ? Format.Number(epochs) : epochs.ToString("0.00", CultureInfo.InvariantCulture)) + " of an epoch";
        }

        var text = epochs == Math.Round(epochs) ? Count(epochs) : epochs.ToString("0.##", CultureInfo.InvariantCulture);
        return text + (text == "1" ? " epoch" : " epochs");
    }

    /// <summary>Steps per epoch the epoch counter implies: step / epoch at the latest log whose epoch counter is fractional
    /// (a counter of whole epochs says only which epoch a log belongs to). Null when there is none.</summary>
    public static double? LoggedStepsPerEpochOf(Run run) =>
        LastCounted(run) is { Whole: false } last ? last.Step / last.Epoch : null;

    /// <summary>The latest log (largest step; at one step, largest epoch) with a positive epoch counter, and whether the
    /// run's counter only takes whole values; null when no log has one. System readings are left out.</summary>
    public static (long Step, double Epoch, bool Whole)? LastCounted(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        (long Step, double Epoch)? last = null;
        var whole = true;
        foreach (var s in run.Series.Values)
        {
            if (SystemMetrics.IsSystem(s.Key) || CountedOf(s) is not { } counted)
            {
                continue;
            }

            // each series' latest counted log is the first of its largest (step, epoch): the first of those over the series
            // in order is the first over all their points, as one pass over every point finds it
            whole &= counted.Whole;
            if (last is not { } cur || counted.Step > cur.Step || (counted.Step == cur.Step && counted.Epoch > cur.Epoch))
            {
                last = (counted.Step, counted.Epoch);
            }
        }

        return last is { } l ? (l.Step, l.Epoch, whole) : null;
    }

    /// <summary><see cref="LastCounted"/> of one series, computed once per series: the rules and the report each ask for
    /// it, and a million-point run's three series took a pass over every point each time.</summary>
    private static (long Step, double Epoch, bool Whole)? CountedOf(Series series) =>
        Counted.GetValue(series, static s => new StrongBox<(long Step, double Epoch, bool Whole)?>(Count(s))).Value;

    private static readonly ConditionalWeakTable<Series, StrongBox<(long Step, double Epoch, bool Whole)?>> Counted = new();

    private static (long Step, double Epoch, bool Whole)? Count(Series s)
    {
        long lastStep = 0;
        var lastEpoch = double.NaN;
        var found = false;
        var whole = true;
        foreach (var p in s.Points.AsSpan())
        {
            var epoch = p.Epoch;
            var step = p.Step;
            if (!Finite.Is(epoch) || epoch <= 0 || step <= 0)
            {
                continue;
            }

            whole &= epoch == Math.Round(epoch);
            if (!found || step > lastStep || (step == lastStep && epoch > lastEpoch))
            {
                (lastStep, lastEpoch, found) = (step, epoch, true);
            }
        }

        return found ? (lastStep, lastEpoch, whole) : null;
    }

    /// <summary>The number of epochs logged when every training-log point's step is its (whole) epoch number, else null.</summary>
    private static int? EpochIndexedCount(Run run)
    {
        var epochs = new HashSet<long>();
        foreach (var s in run.Series.Values)
        {
            if (SystemMetrics.IsSystem(s.Key))
            {
                continue;
            }

            foreach (var p in s.Points.AsSpan())
            {
                if (!Finite.Is(p.Epoch) || p.Epoch != p.Step)
                {
                    return null;
                }

                epochs.Add(p.Step);
            }
        }

        return epochs.Count == 0 ? null : epochs.Count;
    }

    /// <summary>The steps of the run's evaluations: those of its validation loss, else of the validation series logged
    /// most often (one series, as a trainer may log the same evaluation under a second step scale).</summary>
    private static long[] EvaluationSteps(Run run)
    {
        var series = run.Get(MetricNames.ValLoss) is { Count: > 0 } loss ? loss : null;
        if (series is null)
        {
            foreach (var s in run.Series.Values)
            {
                if (s.Count > 0 && MetricNames.SplitOf(s.Key) == "val" && !MetricNames.IsBookkeeping(s.Key)
                    && (series is null || s.Count > series.Count || s.Count == series.Count && string.CompareOrdinal(s.Key, series.Key) < 0))
                {
                    series = s;
                }
            }
        }

        if (series is null)
        {
            return [];
        }

        var steps = new long[series.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = series.Points[i].Step;
        }

        return SortedDistinct(steps);
    }

    /// <summary>The steps in ascending order, each once (sorted in place). Loops, not LINQ over <c>long</c>: those generic
    /// instantiations are not precompiled and were JIT-compiled in every command that diagnoses. Steps come in order, so
    /// the sort is rarely needed.</summary>
    private static long[] SortedDistinct(long[] steps)
    {
        for (var i = 1; i < steps.Length; i++)
        {
            if (steps[i] < steps[i - 1])
            {
                Array.Sort(steps);
                break;
            }
        }

        var n = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            if (n == 0 || steps[i] != steps[n - 1])
            {
                steps[n++] = steps[i];
            }
        }

        if (n == steps.Length)
        {
            return steps;
        }

        var distinct = new long[n];
        Array.Copy(steps, distinct, n);
        return distinct;
    }

    private static long? TrainingLastStep(Run run)
    {
        long? max = null;
        foreach (var s in run.Series.Values)
        {
            if (!SystemMetrics.IsSystem(s.Key) && s.Count > 0 && (max is null || s.Last.Step > max))
            {
                max = s.Last.Step;
            }
        }

        return max;
    }

    /// <summary>The highest epoch logged over every series, or null.</summary>
    public static double? LastEpoch(Run run)
    {
        double? max = null;
        foreach (var s in run.Series.Values)
        {
            foreach (var p in s.Points.AsSpan())
            {
                if (Finite.Is(p.Epoch) && (max is null || p.Epoch > max))
                {
                    max = p.Epoch;
                }
            }
        }

        return max;
    }

    private static long? MedianGap(long[] steps)
    {
        if (steps.Length < 2)
        {
            return null;
        }

        var gaps = new double[steps.Length - 1];
        for (var i = 1; i < steps.Length; i++)
        {
            gaps[i - 1] = steps[i] - steps[i - 1];
        }

        var m = SeriesMath.Median(gaps);
        return m > 0 ? (long)Math.Round(m) : null;
    }

    private static long? PositiveWhole(double? v) => v is >= 1 and < long.MaxValue / 2 ? (long)Math.Round(v.Value) : null;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
