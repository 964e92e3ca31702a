using System.Globalization;
using Runlens.Import.Wandb;
using Runlens.Import.Wandb.Proto;

namespace Runlens.Tests.Import.Wandb;

/// <summary>Synthetic W&amp;B run folders for the always-on tests.</summary>
internal static class WandbTestRuns
{
    public const string Id = "abc123xy";
    public const long Start = 1_700_000_000;

    public const string ConfigYaml = """
        wandb_version: 1

        learning_rate:
          desc: null
          value: 0.001
        batch_size:
          desc: null
          value: 32
        model:
          desc: null
          value:
            name: bert-base
            layers: 12
        hidden_sizes:
          desc: null
          value:
          - 64
          - 32
        optimizer:
          desc: null
          value: adamw
        _wandb:
          desc: null
          value:
            cli_version: 0.15.11
            start_time: 1700000000.5
        """;

    public const string SummaryJson =
        """{"train_loss": 0.25, "val_loss": NaN, "val_acc": 0.9, "epoch": 3, "trainer/global_step": 400, "_step": 39, "_runtime": 120.5, "_timestamp": 1700000120.5, "graph_0": {"_type": "graph-file", "size": 10}, "_wandb": {"runtime": 120}}""";

    /// <summary>A run folder <c>wandb/run-20231114_221320-&lt;id&gt;</c> under <paramref name="root"/>.</summary>
    public static string Folder(string root, byte[]? log, string? summary = SummaryJson, string? config = ConfigYaml, string? metadata = null, string id = Id)
    {
        var folder = Path.Combine(root, "wandb", "run-20231114_221320-" + id);
        Directory.CreateDirectory(Path.Combine(folder, "files"));
        if (log is not null)
        {
            File.WriteAllBytes(Path.Combine(folder, "run-" + id + ".wandb"), log);
        }

        if (summary is not null)
        {
            File.WriteAllText(Path.Combine(folder, "files", "wandb-summary.json"), summary);
        }

        if (config is not null)
        {
            File.WriteAllText(Path.Combine(folder, "files", "config.yaml"), config);
        }

        if (metadata is not null)
        {
            File.WriteAllText(Path.Combine(folder, "files", "wandb-metadata.json"), metadata);
        }

        return folder;
    }

    /// <summary>One history row as Lightning's WandbLogger writes it: trainer/global_step = 10·(row+1), epoch = row/10.</summary>
    public static WandbRecord Row(int row, double trainLoss, double? valLoss = null)
    {
        var items = new List<(string, string)>
        {
            ("train_loss", Json(trainLoss)),
            ("epoch", Json(row / 10)),
            ("trainer/global_step", Json(10 * (row + 1))),
            ("_timestamp", Json(Start + row + 0.5)),
            ("_runtime", Json(row + 0.5)),
            ("_step", Json(row)),
        };
        if (valLoss is { } v)
        {
            items.Insert(1, ("val_loss", Json(v)));
        }

        return WandbLogWriter.History([.. items]);
    }

    /// <summary>The train loss of row <paramref name="row"/> in <see cref="StandardLog"/>.</summary>
    public static double TrainLoss(int row) => 2.0 / (row + 1);

    /// <summary>A complete log: run record, config, <paramref name="rows"/> history rows (val loss every 5th row),
    /// summary, exit, final and footer.</summary>
    public static WandbLogWriter StandardWriter(int rows, List<long>? rowOffsets = null, bool finish = true, int exitCode = 0)
    {
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.RunStart(Id, "synthetic-project", Start));
        w.Write(WandbLogWriter.Config(("learning_rate", "0.001"), ("batch_size", "32")));
        for (var i = 0; i < rows; i++)
        {
            var offset = w.Write(Row(i, TrainLoss(i), i % 5 == 4 ? 1.0 + (i / 100.0) : null));
            rowOffsets?.Add(offset);
        }

        if (finish)
        {
            w.Write(WandbLogWriter.Summary(("train_loss", Json(TrainLoss(rows - 1)))));
            w.Write(WandbLogWriter.Exit(exitCode, rows));
            w.Write(WandbLogWriter.Final());
            w.Write(WandbLogWriter.Footer());
        }

        return w;
    }

    public static byte[] StandardLog(int rows = 40) => StandardWriter(rows).ToArray();

    public static string Json(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity"
        : v.ToString("R", CultureInfo.InvariantCulture);
}
