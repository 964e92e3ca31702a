using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0401: the steps per epoch implied by dataset size, batch size, accumulation and devices disagree with the
/// logged epoch counter.</summary>
public sealed class EpochStepMismatchRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0401", "epoch-step-mismatch", "Steps per epoch disagree with the dataset and batch sizes", RuleCategory.RunAccounting, Severity.Warning,
        [Signal.AnySeries],
        [typeof(EpochStepMismatchEvidence)],
        new RuleOption("tolerance", 0.1, "Relative difference between logged and implied steps per epoch that is tolerated"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run.Run;
        var examples = run.Dataset.TrainExamples;
        var batch = run.Config.Number("per_device_train_batch_size", "train_batch_size", "batch_size") ?? run.Trainer.TrainBatchSize;
        if (examples is not > 0 || batch is not > 0)
        {
            yield break;
        }

        var accumulation = run.Config.Number("gradient_accumulation_steps", "accumulate_grad_batches") ?? 1;
        var devices = run.Config.Number("world_size", "n_gpu", "devices", "num_devices") ?? 1;
        devices = Math.Max(1, devices);

        // Logged steps per epoch: the median of step / epoch over points logged at least half an epoch in.
        var ratios = run.Series.Values.SelectMany(s => s.Points)
            .Where(p => double.IsFinite(p.Epoch) && p.Epoch >= 0.5 && p.Step > 0)
            .Select(p => p.Step / p.Epoch).ToArray();
        if (ratios.Length == 0)
        {
            yield break;
        }

        var logged = SeriesMath.Median(ratios);
        var implied = Math.Ceiling(examples.Value / (batch.Value * devices)) / accumulation;
        var diff = Math.Abs(logged - implied) / implied;
        if (diff <= context.Option("tolerance"))
        {
            yield break;
        }

        // Which device count would explain the logged value?
        int? explainedBy = null;
        for (var k = 1; k <= 64; k++)
        {
            var candidate = Math.Ceiling(examples.Value / (batch.Value * k)) / accumulation;
            if (Math.Abs(logged - candidate) / candidate <= context.Option("tolerance") / 2)
            {
                explainedBy = k;
                break;
            }
        }

        var evidence = new EpochStepMismatchEvidence(
            TrainExamples: examples.Value,
            BatchPerDevice: batch.Value,
            GradientAccumulation: accumulation,
            Devices: devices,
            ImpliedStepsPerEpoch: implied,
            LoggedStepsPerEpoch: logged,
            RelativeDifference: diff,
            Threshold: context.Option("tolerance"),
            ExplainedByDevices: explainedBy);

        yield return context.Finding(
            explainedBy is null ? Severity.Warning : Severity.Info,
            0.7,
            $"The run logged {Format.Number(logged)} steps per epoch, but {Format.Number(examples.Value)} examples at batch {Format.Number(batch.Value)} × accumulation {Format.Number(accumulation)} on {Format.Number(devices)} device(s) imply {Format.Number(implied)}"
                + (explainedBy is { } n ? $": consistent with a {Format.Number(n)}× larger effective batch ({Format.Number(n)} devices, or gradient accumulation not recorded)" : ""),
            evidence,
            [],
            [Recommendation.Do(explainedBy is { } d
                ? $"Record the real number of devices and the accumulation with the run: the effective batch looks like {Format.Number(batch.Value * accumulation * d)}, which matters for the learning rate and for reproducing the run."
                : "Check the dataset size the run really used (filtering, packing, a different split) and the batch settings: epoch-based schedules and comparisons between runs depend on them.")],
            "The epoch counter and the data/batch configuration do not describe the same training: one of them is not what you think.");
    }
}
