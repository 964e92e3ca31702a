using System.Diagnostics;
using System.Globalization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Metrics;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Reports;
using Runlens.Reports.Evaluation;

namespace Runlens.Bench.Peers;

/// <summary>
/// <c>phases analyze|evaluate FILE</c>: where one whole <c>runlens analyze</c> or <c>runlens evaluate</c> of FILE spends its
/// time, each phase in turn in this fresh process (so the first call's JIT is counted where it happens, as in the whole
/// process): the runtime's start until <c>Main</c>, reading, each part of the evaluation or the diagnosis, rendering the
/// JSON report. Each phase prints its wall time and the process's CPU time (user + system, every thread) over it, then the
/// JIT's compilation time and the GC's pauses over the whole run. The bench is built without ReadyToRun, so its JIT share is
/// larger than the published runlens's.
/// </summary>
internal static class PhaseProfile
{
    public static async Task<int> RunAsync(string verb, string path)
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var startup = DateTime.UtcNow - started;
        var phases = new List<(string Name, TimeSpan Wall, TimeSpan Cpu)> { ("start-up until Main", startup, Process.GetCurrentProcess().TotalProcessorTime) };

        T Phase<T>(string name, Func<T> work)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var result = work();
            phases.Add((name, sw.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu));
            return result;
        }

        var bytes = 0L;
        if (verb == "evaluate")
        {
            var file = Phase("read the predictions file", () => PredictionsReader.ReadAsync(path).GetAwaiter().GetResult());
            var set = file.Classification ?? throw new InvalidOperationException("phases evaluate: a per-example predictions file, please");
            var input = Phase("classification input", () => ClassificationInput.Create(set.Classes,
                System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(set.TrueIndices)!,
                System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(set.PredictedIndices),
                set.Probabilities is { } p ? System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(p) : null));
            var ranked = new RankedScores?[set.Classes.Length];
            var curves = Phase("ROC and PR curves (and each class's ROC-AUC, AP)", () => ClassCurves.Of(input, ClassCurves.MaxPoints, ranked));
            var metrics = Phase("metrics (counts, probability rows)", () => ClassificationMetrics.Compute(input, ranked));
            var intervals = Phase("bootstrap intervals", () => LabelBootstrap.Intervals(set.TrueIndices, set.PredictedIndices, set.Classes.Length));
            var samples = Phase("example samples", () => ExampleSamples.Of(set));
            var batches = Phase("batch report", () => BatchReport.Of(set));
            var evaluation = new PredictionEvaluation(set.Source, metrics, null, [.. set.Warnings.Select(w => w.ToString())])
            {
                Samples = samples, Curves = curves, Intervals = intervals, Batches = batches,
            };
            var context = new PredictionContext(evaluation, set, null, SliceSpec.None);
            var findings = Phase("rules (data and labels)", () => PredictionRules.Diagnose(path, context));
            bytes = Phase("JSON report", () =>
            {
                using var buffer = new MemoryStream();
                EvaluationRenderer.WriteJson([evaluation with { Findings = findings }], null, buffer, []);
                return buffer.Length;
            });
        }
        else if (verb == "analyze")
        {
            var imported = Phase("read and import", () => ImporterCatalog.ImportAsync(path).GetAwaiter().GetResult());
            var diagnoses = Phase("diagnosis (every rule)", () => imported.Runs.Select(r => new Diagnoser().Diagnose(r)).ToList());
            bytes = Phase("JSON report", () =>
            {
                using var buffer = new MemoryStream();
                Renderers.For("json").Render(diagnoses, buffer);
                return buffer.Length;
            });
        }
        else
        {
            await Console.Error.WriteLineAsync("phases: analyze FILE or evaluate FILE");
            return 2;
        }

        using var process = Process.GetCurrentProcess();
        foreach (var (name, wall, cpu) in phases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-50} {wall.TotalSeconds,7:F3} s wall {cpu.TotalSeconds,7:F3} s CPU"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  total {(DateTime.UtcNow - started).TotalSeconds:F3} s wall, {process.TotalProcessorTime.TotalSeconds:F3} s CPU; JIT {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s "
            + $"({System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods); GC pauses {GC.GetTotalPauseDuration().TotalSeconds:F3} s (gen2 {GC.CollectionCount(2)}); "
            + $"peak RSS {process.PeakWorkingSet64 / 1e6:F0} MB; report {bytes:N0} bytes"));
        return 0;
    }
}
