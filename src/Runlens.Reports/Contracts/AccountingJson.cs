using Runlens.Analysis.Rules.RunAccounting;

namespace Runlens.Reports.Contracts;

/// <summary>The diagnosis' <c>accounting</c>: the run's data and bookkeeping (dataset sizes, effective batch, steps per
/// epoch, epochs seen against the epoch counter, evaluation and save cadence, runtime, FLOPs), null where the run does not
/// record what a figure needs, and <c>arithmetic</c>: each worked-out figure as a sentence with its arithmetic.</summary>
public sealed record AccountingJson(
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
    IReadOnlyList<string> Arithmetic)
{
    public static AccountingJson From(RunAccount a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.TrainExamples, a.EvalExamples, a.TestExamples, a.BatchPerDevice, a.Devices, a.GradientAccumulation, a.EffectiveBatch,
            a.StepsPerEpoch, a.Steps, a.EpochsFromSteps, a.EpochsLogged, a.LoggedStepsPerEpoch, a.PlannedEpochs, a.MaxSteps, a.Evaluations,
            a.EvaluationEvery, a.Checkpoints, a.SaveEvery, a.RuntimeSeconds, a.TotalFlos, a.EpochIndexed, a.EpochsRun, a.Arithmetic);
    }
}
