using Runlens.Analysis.Evaluation;

namespace Runlens.Reports.Contracts;

/// <summary>The diagnosis' <c>training_predictions</c>: how the model does on the training-set predictions given with
/// <c>--training-predictions</c> (examples, accuracy, macro-F1), beside the validation figures of <c>predictions</c>.</summary>
public sealed record TrainingPredictionsJson(int Examples, double Accuracy, double F1Macro)
{
    public static TrainingPredictionsJson From(PredictionEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Metrics.Examples, e.Metrics.Accuracy, e.Metrics.F1.Macro);
    }
}
