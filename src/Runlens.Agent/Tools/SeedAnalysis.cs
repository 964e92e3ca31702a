using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;

namespace Runlens.Agent.Tools;

/// <summary>What the agent makes of one seed's run as soon as that seed finishes training (while the other seeds still
/// train): its validation predictions read and evaluated as <c>runlens evaluate</c> reads them, and its run diagnosed
/// with them.</summary>
/// <param name="Predictions">The predictions as the rules read them, or null (no predictions, or unreadable ones).</param>
/// <param name="Evaluation">Every metric and the predictions' own findings, or null with <paramref name="Predictions"/>.</param>
/// <param name="Problem">Why the predictions could not be read (one line), or null.</param>
/// <param name="Diagnosis">The run's diagnosis, or null when no run could be read.</param>
/// <param name="Elapsed">How long reading, evaluating and diagnosing took.</param>
public sealed record SeedAnalysis(int Seed, PredictionContext? Predictions, PredictionEvaluation? Evaluation, string? Problem, Diagnosis? Diagnosis, TimeSpan Elapsed);
