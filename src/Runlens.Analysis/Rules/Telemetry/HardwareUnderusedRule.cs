using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.Telemetry;

/// <summary>
/// RL0406: the GPU was mostly idle (median utilisation low after warm-up) or most of its memory was never used. Reads the
/// <c>system/*</c> series (<see cref="RunView.SystemSeries"/>, step = seconds since start). A run without GPU readings has
/// no finding: training without a GPU is normal, not a gap in the log.
/// </summary>
public sealed class HardwareUnderusedRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0406", "hardware-underused", "The GPU is underused: low utilisation or much unused memory", RuleCategory.RunAccounting, Severity.Warning,
        [],
        [typeof(GpuUtilisationEvidence), typeof(GpuMemoryEvidence)],
        new RuleOption("max_median_util", 50, "GPU utilisation (percent) below which the median after warm-up is reported"),
        new RuleOption("low_util", 30, "Utilisation (percent) under which a sample counts as idle in the evidence"),
        new RuleOption("max_memory_percent", 40, "Peak GPU memory (percent of total) below which the headroom is reported"),
        new RuleOption("warmup_seconds", 60, "Seconds from the start left out (model loading, compilation, first batches)"),
        new RuleOption("min_samples", 10, "Samples after warm-up needed to judge"),
        new RuleOption("min_seconds", 120, "Seconds the samples after warm-up must span"),
        new RuleOption("cpu_saturated", 0.9, "Share of all cores (process CPU over 100% × cores) from which the CPU counts as saturated"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var view = context.Run;
        var warmup = (long)context.Option("warmup_seconds");
        var end = TrainingEnd(view);
        var util = Window(view.SystemSeries.GetValueOrDefault(SystemMetrics.GpuUtilPercent), warmup, end);
        var memory = Window(view.SystemSeries.GetValueOrDefault(SystemMetrics.GpuMemoryPercent), warmup, end);
        var cores = view.Run.Summary.TryGetValue(SystemMetrics.CpuCount, out var c) && c >= 1 ? c : (double?)null;

        if (Enough(util, context))
        {
            var finding = LowUtilisation(context, view, util, warmup, end, cores);
            if (finding is not null)
            {
                yield return finding;
            }
        }

        if (Enough(memory, context))
        {
            var used = Window(view.SystemSeries.GetValueOrDefault(SystemMetrics.GpuMemoryUsedMib), warmup, end);
            var finding = MemoryHeadroom(context, view, memory, used);
            if (finding is not null)
            {
                yield return finding;
            }
        }
    }

    private static Finding? LowUtilisation(RuleContext context, RunView view, List<SeriesPoint> util, long warmup, double end, double? cores)
    {
        var values = util.Select(p => p.Value).Order().ToList();
        var median = Percentile(values, 50);
        var limit = context.Option("max_median_util");
        if (median >= limit)
        {
            return null;
        }

        var p10 = Percentile(values, 10);
        var p90 = Percentile(values, 90);
        var low = context.Option("low_util");
        var idle = values.Count(v => v < low) / (double)values.Count;

        // The CPU over the same seconds: the process tree's CPU in percent of one core.
        var cpu = Window(view.SystemSeries.GetValueOrDefault(SystemMetrics.CpuPercent), util[0].Step, end)
            .Where(p => p.Step <= util[^1].Step).Select(p => p.Value).ToArray();
        double? cpuMedian = cpu.Length > 0 ? SeriesMath.Median(cpu) : null;
        bool? saturated = cpuMedian is { } m && cores is { } n ? m >= context.Option("cpu_saturated") * 100 * n : null;
        var oneCore = cpuMedian is >= 90 && saturated != true;

        var evidence = new GpuUtilisationEvidence(
            Series: SystemMetrics.GpuUtilPercent,
            GpuUtilMedian: median,
            GpuUtilP10: p10,
            GpuUtilP90: p90,
            BelowLowUtilFraction: idle,
            ThresholdLowUtil: low,
            Threshold: limit,
            Samples: values.Count,
            Seconds: util[^1].Step - util[0].Step,
            WarmupSeconds: warmup,
            CpuPercentMedian: cpuMedian,
            CpuCount: cores,
            CpuSaturated: saturated);

        var run = view.Run;
        var vocab = new TrainerVocabulary(run);
        var recs = new List<Recommendation>();
        if (saturated == true)
        {
            recs.Add(Recommendation.Do(
                $"The CPU is saturated (median {Format.Number(cpuMedian!.Value)}% of {Format.Number(cores!.Value)} cores) while the GPU waits: the input pipeline is the bottleneck. "
                + "Do the preprocessing once ahead of training (tokenise or decode and cache the dataset), make augmentation cheaper or move it to the GPU, or use a machine with more cores; more data-loader workers will not help."));
        }
        else
        {
            var workers = run.Config.Number("dataloader_num_workers", "num_workers");
            var target = cores is { } k ? Math.Clamp(Math.Floor(k / 2), 2, 8) : 4;
            var changes = vocab.IsHf && (workers ?? 0) < target
                ? new[] { vocab.Change("dataloader_num_workers", target), vocab.Change("dataloader_pin_memory", true) }
                : [];
            recs.Add(Recommendation.Do(
                (oneCore ? $"The training process uses about one core (median CPU {Format.Number(cpuMedian!.Value)}%): the data is probably loaded in the training loop's own thread. " : "")
                + "Feed the GPU faster: load batches in parallel worker processes (DataLoader num_workers, HF dataloader_num_workers), with pin_memory=True, persistent_workers=True and a prefetch_factor of 2–4.",
                changes));
        }

        recs.Add(Recommendation.Do("Give the GPU more work per step: a larger batch per device (with fewer gradient-accumulation steps to keep the effective batch) and bf16/fp16 mixed precision.",
            vocab.IsHf && run.Config.Get("bf16") is null && run.Config.Get("fp16") is null ? [vocab.Change("bf16", true)] : []));
        recs.Add(Recommendation.Do("Check for other stalls: logging, evaluation or checkpoint saving too often, host-to-device copies inside the loop, or synchronising calls such as .item() every step."));

        var confidence = 0.6 + (0.3 * Math.Clamp((limit - median) / limit, 0, 1));
        return context.Finding(
            Severity.Warning,
            confidence,
            $"The GPU is mostly idle: median utilisation {Format.Number(median)}% over {values.Count} samples after warm-up (p10 {Format.Number(p10)}%, p90 {Format.Number(p90)}%), {Format.Percent(idle)} of them under {Format.Number(low)}%",
            evidence,
            [],
            recs,
            saturated == true
                ? "The CPU cannot prepare batches as fast as the GPU consumes them."
                : "The GPU waits for input or for the training loop between steps.",
            SystemMetrics.GpuUtilPercent);
    }

    private static Finding? MemoryHeadroom(RuleContext context, RunView view, List<SeriesPoint> memory, List<SeriesPoint> used)
    {
        var peak = memory.Max(p => p.Value);
        var limit = context.Option("max_memory_percent");
        if (peak >= limit)
        {
            return null;
        }

        double? peakMib = used.Count > 0 ? used.Max(p => p.Value) : null;
        double? totalMib = peakMib is { } u && peak > 0 ? u / peak * 100 : null;
        var run = view.Run;
        var vocab = new TrainerVocabulary(run);
        var batchKey = run.Config.Get("per_device_train_batch_size") is not null ? "per_device_train_batch_size"
            : run.Config.Get("batch_size") is not null ? "batch_size" : run.Config.Get("train_batch_size") is not null ? "train_batch_size" : null;
        var batch = batchKey is null ? null : run.Config.Number(batchKey);
        var accumKey = vocab.Kind == "lightning" ? "accumulate_grad_batches" : "gradient_accumulation_steps";
        var accum = run.Config.Number("gradient_accumulation_steps", "accumulate_grad_batches") ?? 1;
        Recommendation rec;
        if (batch is { } b && b >= 1 && accum >= 2)
        {
            rec = Recommendation.Do($"Double the batch per device ({Format.Number(b)} → {Format.Number(b * 2)}) and halve gradient accumulation ({Format.Number(accum)} → {Format.Number(Math.Ceiling(accum / 2))}): the same effective batch in fewer, fuller steps.",
                vocab.Change(batchKey!, b * 2), vocab.Change(accumKey, Math.Ceiling(accum / 2)));
        }
        else if (batch is { } b2 && b2 >= 1)
        {
            rec = Recommendation.Do($"Use the room: double the batch per device ({Format.Number(b2)} → {Format.Number(b2 * 2)}) and scale the learning rate with it (or keep the batch and try a larger model or longer sequences).",
                vocab.Change(batchKey!, b2 * 2));
        }
        else
        {
            rec = Recommendation.Do("Use the room: a larger batch per device (with fewer gradient-accumulation steps if you use them), a larger model, or longer sequences.");
        }

        var evidence = new GpuMemoryEvidence(
            Series: SystemMetrics.GpuMemoryPercent,
            GpuMemoryPeakPercent: peak,
            GpuMemoryPeakMib: peakMib,
            GpuMemoryTotalMib: totalMib,
            Threshold: limit,
            Samples: memory.Count);
        return context.Finding(
            Severity.Info,
            0.6,
            $"Most of the GPU's memory is never used: peak {Format.Number(peak)}% of total" + (peakMib is { } pm && totalMib is { } tm ? $" ({Format.Number(pm)} of {Format.Number(Math.Round(tm))} MiB)" : ""),
            evidence,
            [],
            [rec, Recommendation.Do("Memory readings come from the driver (nvidia-smi, W&B): they include PyTorch's cached blocks, so the model uses at most this much.")],
            null,
            SystemMetrics.GpuMemoryPercent);
    }

    /// <summary>The finite points after warm-up and up to the last training log (when the training series carry wall times).</summary>
    private static List<SeriesPoint> Window(Series? series, long from, double end) =>
        series is null ? [] : [.. series.Points.Where(p => Finite.Is(p.Value) && p.Step >= from && !(p.WallTime > end))];

    /// <summary>Wall time of the last training-loss log; +∞ when the training series carry no wall times.</summary>
    private static double TrainingEnd(RunView view)
    {
        // the largest finite wall time, the first of equal ones kept (as Enumerable.Max keeps it); a loop over the span,
        // which ReadyToRun compiles, instead of LINQ over a million points, which the JIT compiles for each process
        var last = double.NaN;
        foreach (var p in view.TrainLoss is { } loss ? loss.Points.AsSpan() : [])
        {
            if (Finite.Is(p.WallTime) && (double.IsNaN(last) || p.WallTime > last))
            {
                last = p.WallTime;
            }
        }

        return Finite.Is(last) ? last : double.PositiveInfinity;
    }

    private static bool Enough(List<SeriesPoint> points, RuleContext context) =>
        points.Count >= context.Option("min_samples") && points.Count > 0 && points[^1].Step - points[0].Step >= context.Option("min_seconds");

    private static double Percentile(List<double> sorted, double q) => Evaluation.Bootstrap.Percentile(sorted, q);
}
