using System.Globalization;
using Runlens.Model;
using Runlens.Tests.Import.Mlflow;

namespace Runlens.Tests.Support;

/// <summary>
/// A generated hyperparameter sweep with a known ground truth: six parameters, of which only <c>learning_rate</c>
/// (log-uniform 1e-5–1e-2) and <c>warmup_ratio</c> (uniform 0–0.2) move the best validation loss:
/// <c>0.4 + 0.12·(−2 − log10 lr) + 1.2·(0.2 − warmup) + N(0, 0.01)</c>. <c>weight_decay</c>, <c>dropout</c>, <c>seed</c> and
/// the categorical <c>optimizer</c> (adamw, sgd, adafactor) are noise. Each run logs 10 evaluations of a validation loss
/// falling towards that value and a training loss beside it.
/// </summary>
internal static class SyntheticSweep
{
    public static readonly string[] Matter = ["learning_rate", "warmup_ratio"];

    public static readonly string[] Noise = ["weight_decay", "dropout", "seed", "optimizer"];

    private static readonly string[] Optimizers = ["adamw", "sgd", "adafactor"];

    /// <summary>One generated run: its parameters as text, the objective and the logged curves.</summary>
    public sealed record SweepRun(string Id, IReadOnlyDictionary<string, string> Params, double Objective, double[] ValLoss, double[] TrainLoss);

    public const int Evals = 10;

    /// <param name="runs">How many runs.</param>
    /// <param name="seed">Random seed of the sweep.</param>
    /// <param name="optimizers">The optimizer levels to draw from (default adamw, sgd, adafactor).</param>
    /// <param name="diverges">Which runs diverge (their losses turn NaN half-way); none by default.</param>
    public static List<SweepRun> Generate(int runs, int seed = 7, string[]? optimizers = null, Func<int, IReadOnlyDictionary<string, string>, bool>? diverges = null)
    {
        var rng = new Random(seed);
        var levels = optimizers ?? Optimizers;
        var list = new List<SweepRun>(runs);
        for (var i = 0; i < runs; i++)
        {
            var lr = Math.Pow(10, -5 + (3 * rng.NextDouble()));
            var warmup = 0.2 * rng.NextDouble();
            var p = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["learning_rate"] = Text(lr),
                ["warmup_ratio"] = Text(warmup),
                ["weight_decay"] = Text(0.1 * rng.NextDouble()),
                ["dropout"] = Text(0.3 * rng.NextDouble()),
                ["seed"] = Text(rng.Next(0, 10_000)),
                ["optimizer"] = levels[rng.Next(levels.Length)],
            };
            var objective = 0.4 + (0.12 * (-2 - Math.Log10(lr))) + (1.2 * (0.2 - warmup)) + Gaussian(rng, 0.01);
            var val = new double[Evals];
            var train = new double[Evals];
            for (var t = 0; t < Evals; t++)
            {
                val[t] = objective + ((2.0 - objective) * Math.Exp(-0.6 * t)) + Gaussian(rng, 0.002);
                train[t] = val[t] - 0.05 + Gaussian(rng, 0.002);
            }

            if (diverges?.Invoke(i, p) == true)
            {
                for (var t = Evals / 2; t < Evals; t++)
                {
                    val[t] = double.NaN;
                    train[t] = double.NaN;
                }
            }

            list.Add(new SweepRun(string.Create(CultureInfo.InvariantCulture, $"run-{i:D4}"), p, objective, val, train));
        }

        return list;
    }

    /// <summary>The run as an importer would build it: numbers typed, <c>val/loss</c> and <c>train/loss</c> every 100 steps.</summary>
    public static Run ToRun(SweepRun r, string experiment = "sweep")
    {
        var b = new RunBuilder("mlflow").Named(r.Id, experiment);
        foreach (var (k, v) in r.Params)
        {
            if (ConfigValue.Parse(v) is { Kind: ConfigValueKind.Number } n)
            {
                b.Config(k, n.Number);
            }
            else
            {
                b.Config(k, v);
            }
        }

        return b.Series("val/loss", 100, r.ValLoss).Series("train/loss", 100, r.TrainLoss).Build();
    }

    public static List<Run> Runs(int runs, int seed = 7) => [.. Generate(runs, seed).Select(r => ToRun(r))];

    /// <summary>Writes the runs as an MLflow file store: <c>dir/mlruns/1/&lt;run&gt;/</c> in an experiment named <paramref name="experiment"/>.</summary>
    public static string WriteMlruns(string dir, IEnumerable<SweepRun> runs, string experiment = "sweep")
    {
        var tree = Path.Combine(dir, "mlruns");
        var exp = MlflowTestRuns.Experiment(tree, "1", experiment);
        foreach (var r in runs)
        {
            var id = r.Id.Replace("-", "", StringComparison.Ordinal) + "00000000000000000000000000";
            MlflowTestRuns.Run(exp, id[..32], MlflowTestRuns.NewMeta(id[..32], r.Id), new Dictionary<string, string>
            {
                ["eval_loss"] = MlflowTestRuns.Lines(Evals, t => r.ValLoss[t]),
                ["loss"] = MlflowTestRuns.Lines(Evals, t => r.TrainLoss[t]),
            }, r.Params.ToDictionary(x => x.Key, x => x.Value));
        }

        return tree;
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static double Gaussian(Random rng, double sd) => sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
