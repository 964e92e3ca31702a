using System.Globalization;
using System.Text;
using Runlens.Import.TensorBoard;

namespace Runlens.Bench.Peers;

/// <summary>The generated inputs of the <c>peers</c> bench, made once under the temp folder (runlens-peers/) and reused.</summary>
internal static class PeerInputs
{
    public const int Scalars = 1_000_000;
    public const int LogEntries = 1_000_000;
    public const int Examples = 1_000_000;
    public const int Classes = 10;
    public const int PeltPoints = 50_000;

    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "runlens-peers");

    /// <summary>Lightning-style scalars, each its own Event: train_loss, epoch and lr-Adam every step, val_loss every 1,000
    /// steps, until <see cref="Scalars"/> scalars are written.</summary>
    public static string TensorBoard() => Once("events.out.tfevents.1700000000.peers.1.0", path =>
    {
        var rng = new Random(42);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var w = new TensorBoardEventWriter(file);
        var loss = 2.5;
        var wall = 1_700_000_000.0;
        var written = 0;
        for (long step = 1; written < Scalars; step++)
        {
            wall += 0.05 + (rng.NextDouble() * 0.01);
            loss = Math.Max(0.05, (loss * 0.99999) + ((rng.NextDouble() - 0.5) * 0.01));
            w.Scalar("train_loss", step, (float)loss, wall);
            w.Scalar("epoch", step, step / 10_000, wall);
            w.Scalar("lr-Adam", step, (float)(1e-3 * (1 - (step / 3e6))), wall);
            written += 3;
            if (step % 1000 == 0 && written < Scalars)
            {
                w.Scalar("val_loss", step, (float)(loss + 0.1), wall);
                written++;
            }
        }
    });

    /// <summary>The <c>scale</c> bench's trainer_state.json with <see cref="LogEntries"/> log entries.</summary>
    public static string TrainerState() => Once("trainer_state.json", path => ScaleScenario.Generate(path, LogEntries));

    /// <summary><see cref="MetricsBenchmark"/>'s examples as a predictions CSV: example_id, label, predicted, prob_c00..prob_c09
    /// (probabilities written round-trip, so both sides read the same doubles).</summary>
    public static string Predictions() => Once("predictions.csv", path =>
    {
        var input = MetricsBenchmark.Generate(Examples, Classes, 20261201);
        var names = input.Classes;
        var labels = input.TrueClass.Span.ToArray();
        var predicted = input.PredictedClass.Span.ToArray();
        var probabilities = input.Probabilities!.Value.Span.ToArray();
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("example_id,label,predicted");
        foreach (var name in names)
        {
            w.Write(",prob_" + name);
        }

        w.Write('\n');
        for (var i = 0; i < Examples; i++)
        {
            w.Write(string.Create(CultureInfo.InvariantCulture, $"{i},{names[labels[i]]},{names[predicted[i]]}"));
            for (var c = 0; c < Classes; c++)
            {
                w.Write(',');
                w.Write(probabilities[(i * Classes) + c].ToString("R", CultureInfo.InvariantCulture));
            }

            w.Write('\n');
        }
    });

    /// <summary>A noisy piecewise-constant signal (<see cref="PeltRbfLoad"/>'s: 100 segments cycling through 0, 1, 2, noise
    /// sd 0.5), one value per line under a <c>value</c> header.</summary>
    public static string Signal() => Once("signal.csv", path =>
    {
        var rng = new Random(42);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.Write("value\n");
        for (var i = 0; i < PeltPoints; i++)
        {
            var v = (((long)i * 100 / PeltPoints) % 3) + (0.5 * AnalysisBenchmark.Gaussian(rng));
            w.Write(Math.Round(v, 4).ToString("R", CultureInfo.InvariantCulture));
            w.Write('\n');
        }
    });

    private static string Once(string name, Action<string> write)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        if (!File.Exists(path))
        {
            var partial = path + ".partial";
            write(partial);
            File.Move(partial, path, overwrite: true);
        }

        return path;
    }
}
