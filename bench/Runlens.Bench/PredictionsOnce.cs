using System.Diagnostics;
using System.Globalization;
using Runlens.Import.Predictions;

namespace Runlens.Bench;

/// <summary><c>predictions-once FILE</c>: where a whole <c>runlens evaluate</c> of one predictions file spends its time, in
/// this (fresh) process: reading the file (wall and CPU), then everything the evaluation computes from it.</summary>
internal static class PredictionsOnce
{
    public static async Task<int> RunAsync(string path)
    {
        var process = Process.GetCurrentProcess();
        var sw = Stopwatch.StartNew();
        var file = await PredictionsReader.ReadAsync(path);
        var read = sw.Elapsed;
        var readCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var context = await Pipeline.Predictions.PredictionInputs.ReadFileAsync(path, null, "validation");
        var all = sw.Elapsed - read;
        var metrics = context.Evaluation.FlatMetrics().Count;
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read {read.TotalSeconds:F3} s (CPU {readCpu.TotalSeconds:F3} s, {file.Classification?.Count} examples); read + every metric again {all.TotalSeconds:F3} s ({metrics} metrics); "
            + $"process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F3} s, peak RSS {process.PeakWorkingSet64 / 1e6:F0} MB"));
        return 0;
    }
}
