using System.Globalization;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0401: the steps per epoch implied by dataset size, batch size, accumulation and devices disagree with the
/// logged epoch counter, at any fraction of an epoch.</summary>
public sealed class EpochStepMismatchRule : IRule
{
    /// <summary>How far a fractional epoch counter may be off by rounding alone: trainers write it to two decimals.</summary>
    private const double FractionalResolution = 0.005;

    /// <summary>How far a counter of whole epochs may be off: it names the epoch a log belongs to (from 0 or from 1).</summary>
    private const double WholeResolution = 1;

    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0401", "epoch-step-mismatch", "Steps per epoch disagree with the dataset and batch sizes", RuleCategory.RunAccounting, Severity.Warning,
        [Signal.AnySeries],
        [typeof(EpochStepMismatchEvidence)],
        new RuleOption("tolerance", 0.1, "Relative difference between logged and implied steps per epoch that is tolerated"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run.Run;
        var account = RunAccount.Of(run);
        if (account.TrainExamples is not { } examples || account.BatchPerDevice is not { } batch || account.StepsPerEpoch is not { } implied
            || RunAccount.LastCounted(run) is not { } last)
        {
            yield break;
        }

        var tolerance = context.Option("tolerance");
        var accumulation = account.GradientAccumulation;
        var devices = account.Devices;
        var fromSteps = last.Step / implied;
        // The counter's own resolution is tolerated on top of the relative tolerance: a whole-epoch counter only says which
        // epoch a log belongs to, a fractional one is rounded to two decimals.
        var resolution = last.Whole ? WholeResolution : FractionalResolution;
        if (Math.Abs(fromSteps - last.Epoch) <= resolution + tolerance * Math.Max(fromSteps, last.Epoch))
        {
            yield break;
        }

        var logged = last.Step / last.Epoch;
        var diff = Math.Abs(logged - implied) / implied;

        // Which device count would explain the logged value?
        int? explainedBy = null;
        for (var k = 1; k <= 64; k++)
        {
            var candidate = RunAccount.StepsPerEpochOf(examples, batch, k, accumulation);
            if (Math.Abs(logged - candidate) / candidate <= tolerance / 2)
            {
                explainedBy = k;
                break;
            }
        }

        var effective = account.EffectiveBatch ?? batch * devices * accumulation;
        var evidence = new EpochStepMismatchEvidence(
            TrainExamples: examples,
            BatchPerDevice: batch,
            GradientAccumulation: accumulation,
            Devices: devices,
            ImpliedStepsPerEpoch: implied,
            LoggedStepsPerEpoch: logged,
            RelativeDifference: diff,
            Threshold: tolerance,
            ExplainedByDevices: explainedBy,
            EffectiveBatch: effective,
            AtStep: last.Step,
            LoggedEpoch: last.Epoch,
            EpochsFromSteps: fromSteps);

        var title = string.Create(CultureInfo.InvariantCulture,
            $"At step {Format.Step(last.Step)} the epoch counter says {RunAccount.Epochs(last.Epoch)}, but {RunAccount.Count(examples)} examples at an effective batch of {RunAccount.Count(effective)} ({RunAccount.Count(batch)} per device × {RunAccount.Count(devices)} device{(devices == 1 ? "" : "s")} × {RunAccount.Count(accumulation)} accumulation) make {RunAccount.Count(implied)} steps per epoch, so {Format.Step(last.Step)} steps are {RunAccount.Epochs(fromSteps)}")
            + (explainedBy is { } n ? string.Create(CultureInfo.InvariantCulture, $": consistent with a {Format.Number(n)}× larger effective batch ({Format.Number(n)} devices, or gradient accumulation not recorded)") : "");

        yield return context.Finding(
            explainedBy is null ? Severity.Warning : Severity.Info,
            0.7,
            title,
            evidence,
            [],
            [Recommendation.Do(explainedBy is { } d
                ? $"Record the real number of devices and the accumulation with the run: the effective batch looks like {Format.Number(batch * accumulation * d)}, which matters for the learning rate and for reproducing the run."
                : "Check the dataset size the run really used (filtering, packing, a different split) and the batch settings: epoch-based schedules and comparisons between runs depend on them.")],
            "The epoch counter and the data/batch configuration do not describe the same training: one of them is not what you think.");
    }
}
