using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Pipeline.Diagnosing;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>The one place the benchmark asks Runlens for a diagnosis, as a user would: the log imported with format
/// detection, its validation predictions attached, the default rule settings, and with its training data (where the run
/// has it) audited and merged as <c>runlens analyze LOG --data-dir DATA</c> does (the same pipeline call).</summary>
internal static class BenchDiagnoser
{
    public static async Task<(Analysis.Diagnoses.Diagnosis Diagnosis, string Format)> DiagnoseAsync(
        string logPath, string? predictionsPath, string? dataDir = null, CancellationToken cancellationToken = default)
    {
        var importer = ImporterCatalog.Detect(logPath);
        var imported = await importer.ImportAsync(logPath, ImportContext.None, cancellationToken).ConfigureAwait(false);
        if (imported.Runs.Length != 1)
        {
            throw new RunImportException(logPath, null, $"{imported.Runs.Length} runs found where the benchmark wrote one", "regenerate the run");
        }

        PredictionContext? predictions = null;
        if (predictionsPath is not null)
        {
            var file = await PredictionsReader.ReadAsync(predictionsPath, cancellationToken).ConfigureAwait(false);
            predictions = file.Tokens is { } tokens ? PredictionContext.Of(tokens) : PredictionContext.Of(file.Classification!);
        }

        var diagnosis = new Diagnoser().Diagnose(imported.Runs[0], predictions);
        if (dataDir is not null)
        {
            diagnosis = (await DiagnosisService.WithDataAuditAsync([diagnosis], dataDir, cancellationToken).ConfigureAwait(false))[0];
        }

        return (diagnosis, importer.Format);
    }
}
