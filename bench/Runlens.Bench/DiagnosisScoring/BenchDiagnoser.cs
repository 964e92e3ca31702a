using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>The one place the benchmark asks Runlens for a diagnosis, as a user would: the log imported with format
/// detection, its validation predictions attached, the default rule settings. When the application pipeline exists, this
/// method calls it instead.</summary>
internal static class BenchDiagnoser
{
    public static async Task<(Analysis.Diagnoses.Diagnosis Diagnosis, string Format)> DiagnoseAsync(
        string logPath, string? predictionsPath, CancellationToken cancellationToken = default)
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

        return (new Diagnoser().Diagnose(imported.Runs[0], predictions), importer.Format);
    }
}
