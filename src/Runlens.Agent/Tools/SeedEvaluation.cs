using Runlens.Agent.Registry;
using Runlens.Analysis.Evaluation;

namespace Runlens.Agent.Tools;

/// <summary>The quick evaluator's answer: the registry's record, and each seed's predictions as the rules read them (the
/// diagnosis of that seed's run uses the same ones).</summary>
public sealed record SeedEvaluation(EvaluationRecord? Record, IReadOnlyDictionary<int, PredictionContext> Predictions, IReadOnlyList<string> Problems);
