namespace Runlens.Analysis.Diagnoses;

/// <summary>The run at a glance.</summary>
/// <param name="Status">healthy, warning or critical (from the worst finding).</param>
/// <param name="Headline">One sentence.</param>
/// <param name="PrimaryMetric">Key of the metric the run is judged by, or null when no validation metric exists.</param>
/// <param name="PrimarySource">Why that metric (the trainer's best-model metric, validation loss, …).</param>
/// <param name="GreaterIsBetter">Direction of the primary metric.</param>
/// <param name="Best">Best value of the primary metric.</param>
/// <param name="Final">Last value of the primary metric.</param>
/// <param name="StepsPastBest">Steps from the best to the final evaluation.</param>
/// <param name="EvalsPastBest">Evaluations after the best one.</param>
public sealed record DiagnosisSummary(
    DiagnosisStatus Status,
    string Headline,
    string? PrimaryMetric,
    string PrimarySource,
    bool GreaterIsBetter,
    MetricPoint? Best,
    MetricPoint? Final,
    long? StepsPastBest,
    int? EvalsPastBest);
