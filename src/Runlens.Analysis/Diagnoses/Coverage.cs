using System.Collections.Immutable;

namespace Runlens.Analysis.Diagnoses;

/// <summary>What the analysis could see: signals present and missing, the rules each missing signal blocks.</summary>
/// <param name="Score">Share of the catalogue's rules that could run (0–1).</param>
/// <param name="Present">Signal ids found in the run.</param>
/// <param name="Missing">Signals absent, with the rules (slugs) they block and how to log them.</param>
/// <param name="RulesRun">Slugs of the rules that ran.</param>
/// <param name="RuleErrors">Rules that failed while running (a bug; reported, not hidden).</param>
public sealed record Coverage(
    double Score,
    ImmutableArray<string> Present,
    ImmutableArray<MissingSignal> Missing,
    ImmutableArray<string> RulesRun,
    ImmutableArray<string> RuleErrors);

/// <param name="Signal">Signal id.</param>
/// <param name="Blocks">Slugs of the rules it blocks.</param>
/// <param name="HowToLog">What to change so it is logged.</param>
public sealed record MissingSignal(string Signal, ImmutableArray<string> Blocks, string HowToLog);
