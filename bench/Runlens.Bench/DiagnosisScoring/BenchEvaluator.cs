using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Import;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>Diagnoses benchmark runs and reduces each diagnosis to a <see cref="RunOutcome"/>.</summary>
internal static class BenchEvaluator
{
    /// <summary>Every run rule's and data-audit check's default severity, by slug.</summary>
    private static readonly ImmutableDictionary<string, Severity> DefaultSeverity =
        global::Runlens.Audit.AuditCatalog.Descriptors.ToImmutableDictionary(d => d.Slug, d => d.DefaultSeverity, StringComparer.Ordinal);

    public static async Task<RunOutcome> EvaluateAsync(BenchRun run, CancellationToken cancellationToken = default)
    {
        try
        {
            var (diagnosis, format) = await BenchDiagnoser.DiagnoseAsync(run.LogPath, run.PredictionsPath, run.DataPath, cancellationToken).ConfigureAwait(false);
            return Outcome(run, diagnosis, format);
        }
        catch (RunImportException ex)
        {
            return new RunOutcome(run, null, ex.Message, [], [], null, null);
        }
        catch (global::Runlens.Audit.AuditInputException ex)
        {
            return new RunOutcome(run, null, $"{run.DataPath}: {ex.Message}", [], [], null, null);
        }
        catch (ArgumentException ex)
        {
            return new RunOutcome(run, null, $"{run.PredictionsPath}: {ex.Message}", [], [], null, null);
        }
    }

    /// <summary>The outcome of a diagnosis: which rules fired (run rules, and on runs with data/ the data-audit checks, each
    /// at or above its default severity), which findings reported errors, the first root cause and the best step.</summary>
    public static RunOutcome Outcome(BenchRun run, Analysis.Diagnoses.Diagnosis diagnosis, string format)
    {
        // The data-audit checks are scored like run rules: a fault that only the training data shows (a feature column
        // that encodes the label) is labelled with the check that can see it.
        var fired = diagnosis.Findings
            .Where(f => DefaultSeverity.TryGetValue(f.Rule, out var floor) && f.Severity >= floor)
            .Select(f => f.Rule).Distinct().Order(StringComparer.Ordinal).ToImmutableArray();
        var errors = diagnosis.Findings.Where(f => f.Severity == Severity.Error)
            .Select(f => f.Rule).Distinct().Order(StringComparer.Ordinal).ToImmutableArray();
        var top = diagnosis.RootCauses.IsEmpty ? null : diagnosis.RootCauses[0].Id;
        return new RunOutcome(run, format, null, fired, errors, top, diagnosis.Summary.Best?.Step);
    }

    /// <summary>Diagnoses the runs, two at a time.</summary>
    public static async Task<ImmutableArray<RunOutcome>> EvaluateAllAsync(IReadOnlyList<BenchRun> runs, CancellationToken cancellationToken = default)
    {
        var outcomes = new RunOutcome[runs.Count];
        await Parallel.ForAsync(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = await EvaluateAsync(runs[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. outcomes];
    }
}
