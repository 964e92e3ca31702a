namespace Runlens.Reports.Contracts;

/// <summary>Dataset sizes when the logs record them (null otherwise).</summary>
public sealed record DatasetJson(long? TrainExamples, long? EvalExamples, long? TestExamples);
