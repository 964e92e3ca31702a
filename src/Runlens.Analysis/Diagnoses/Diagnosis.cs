using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Diagnoses;

/// <summary>Everything Runlens concluded about one run (<c>runlens.diagnosis/v2</c>).</summary>
public sealed record Diagnosis(
    Run Run,
    DiagnosisSummary Summary,
    ImmutableArray<Finding> Findings,
    Coverage Coverage,
    ImmutableArray<ConfigChange> ConfigChanges,
    ImmutableArray<string> NextSteps,
    ImmutableArray<SeriesStats> Metrics)
{
    public const string Schema = "runlens.diagnosis/v2";

    /// <summary>The metrics of the validation predictions given with the run, or null.</summary>
    public Evaluation.PredictionEvaluation? Predictions { get; init; }

    /// <summary>The metrics of the training-set predictions given with the run, or null.</summary>
    public Evaluation.PredictionEvaluation? TrainingPredictions { get; init; }

    /// <summary>The findings grouped by cause, the one to fix first at the top.</summary>
    public ImmutableArray<RootCause> RootCauses { get; } = RootCause.Group(Findings, Run);

    public const string SetSchema = "runlens.diagnoses/v2";
}
