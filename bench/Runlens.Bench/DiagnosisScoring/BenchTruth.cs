using System.Collections.Immutable;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>A run's <c>truth.json</c> (schema <c>runlens.bench.truth/v1</c>), written by <c>bench/diagnosis/generate.py</c>
/// from how the run was built, never from what Runlens says about it.</summary>
/// <param name="Run">The run's id, <c>CONDITION--VARIANT--sSEED</c>.</param>
/// <param name="Condition">Condition id (<c>bench/diagnosis/conditions.json</c>).</param>
/// <param name="Variant">How the condition was produced in this run.</param>
/// <param name="Seed">The seed; seeds 0–1 are the tuning split, 2 and up the held-out split.</param>
/// <param name="Split"><c>tuning</c> or <c>heldout</c>.</param>
/// <param name="Format">The log format written (Runlens' format id).</param>
/// <param name="Log">The path to point the importer at, relative to the run folder.</param>
/// <param name="Predictions">The validation predictions file, relative to the run folder, or null.</param>
/// <param name="Faults">Rule slugs that must fire (the recall set).</param>
/// <param name="Allowed">Rule slugs that may fire without counting as false alarms.</param>
/// <param name="RootCause">The true root cause (<c>bench/diagnosis/CAUSES.md</c>).</param>
/// <param name="PrimaryMetric">The metric the best step refers to.</param>
/// <param name="BestStep">The step of the best evaluation of the primary metric in the log's own step units, or null.</param>
internal sealed record BenchTruth(
    string Run,
    string Condition,
    string Variant,
    int Seed,
    string Split,
    string Format,
    string Log,
    string? Predictions,
    ImmutableArray<string> Faults,
    ImmutableArray<string> Allowed,
    string RootCause,
    string PrimaryMetric,
    long? BestStep)
{
    public const string Tuning = "tuning";
    public const string HeldOut = "heldout";
    public const string Healthy = "healthy";
}
