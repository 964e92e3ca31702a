namespace Runlens.Model;

/// <summary>Dataset sizes when the logs record them (e.g. <c>train_samples</c> in HF <c>*_results.json</c>).</summary>
public sealed record DatasetStats(long? TrainExamples = null, long? EvalExamples = null, long? TestExamples = null)
{
    public static DatasetStats Empty { get; } = new();
}
