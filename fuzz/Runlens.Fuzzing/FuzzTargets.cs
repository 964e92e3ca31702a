using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Runlens.Analysis.Rules;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Live.Alerts;
using Runlens.Server.Http;
using Runlens.Server.Native;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Fuzzing;

/// <summary>
/// Every fuzz target: each importer (its file written where the format expects it, detected, then imported), the
/// predictions reader, MLflow's filter and order_by parsers (and the filter applied to a run), the rule options file
/// (<c>runlens.yaml</c>), the alert config, the token file of <c>serve --auth</c>, and the native API's points parser.
/// </summary>
internal static class FuzzTargets
{
    private static readonly Type[] Import = [typeof(RunImportException)];

    private static readonly RunRecord Sample = new("0123abcd", "sample run", "exp", null, "api", "api:0123abcd", Model.RunStatus.Finished,
        DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), null, "user", "active",
        new Dictionary<string, string> { ["lr"] = "0.001", ["optimizer"] = "adam" },
        new Dictionary<string, string> { ["mlflow.user"] = "user", ["note"] = "x" },
        new Dictionary<string, LatestMetric> { ["loss"] = new(0.5, 10, 0), ["eval_loss"] = new(double.NaN, 10, 0) });

    public static ImmutableArray<FuzzTarget> All { get; } =
    [
        Importer("hf-trainer-state", "trainer_state.json"),
        Importer("tensorboard", "events.out.tfevents.1700000000.host.1.0"),
        Importer("mlflow", "mlruns/0/0123abcd/metrics/loss", ("mlruns/0/0123abcd/meta.yaml", "run_id: 0123abcd\nexperiment_id: '0'\nstatus: 3\n"),
            ("mlruns/0/meta.yaml", "experiment_id: '0'\nname: Default\n"), ("mlruns/0/0123abcd/params/lr", "0.001")),
        Importer("mlflow-meta", "mlruns/0/0123abcd/meta.yaml", ("mlruns/0/0123abcd/metrics/loss", "1700000000000 0.5 0\n1700000001000 0.4 1\n"),
            ("mlruns/0/meta.yaml", "experiment_id: '0'\nname: Default\n")),
        Importer("wandb", "run-20240101_000000-abc123/run-abc123.wandb"),
        Importer("lightning-csv", "metrics.csv"),
        Importer("keras-csv", "training.log"),
        Importer("keras-history", "history.json"),
        Importer("csv", "log.csv"),
        Importer("jsonl", "log.jsonl"),
        Importer("runlens-callback", "runlens.jsonl"),
        Importer("llama-factory", "trainer_log.jsonl"),
        Importer("wandb-history", "run-20200219_001500-3kx9q2m1/wandb-history.jsonl",
            ("run-20200219_001500-3kx9q2m1/config.yaml", "wandb_version: 1\nlr:\n  desc: null\n  value: 0.001\n")),
        new("predictions", "a predictions file (CSV or JSONL, as uploaded to the server)", Import,
            bytes => PredictionsReader.Read("predictions", bytes)),
        new("mlflow-filter", "an MLflow search filter (first line) and order_by clauses (the other lines), applied to a run",
            [typeof(SearchSyntaxException)], bytes =>
            {
                var lines = Text(bytes).Split('\n');
                var filter = RunFilter.Parse(lines[0]);
                var order = RunOrder.Parse([.. lines.Skip(1)]);
                _ = filter.Matches(Sample);
                _ = order.Compare(Sample, Sample with { Id = "other" });
            }),
        new("rule-settings", "runlens.yaml (rule options), checked against the catalogue", [typeof(FormatException)], bytes =>
        {
            var folder = Scratch.Lay("runlens.yaml", bytes);
            _ = RuleSettings.Parse(RuleSettingsFile.Read(Path.Combine(folder, "runlens.yaml")), RuleCatalog.All);
        }),
        new("alert-config", "alerts.yaml", [typeof(AlertConfigException)], bytes => AlertConfig.Parse(Text(bytes), "alerts.yaml")),
        new("token-file", "tokens.yaml of serve --auth", [typeof(FormatException)], bytes =>
        {
            var folder = Scratch.Lay("tokens.yaml", bytes);
            _ = Server.Auth.TokenFile.Load(Path.Combine(folder, "tokens.yaml"));
        }),
        new("native-points", "the body of POST /api/runs/{id}/points", [typeof(ApiException)], bytes => NativePoints(bytes)),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>As the server reads a points body: its text checked (UTF-8, paired surrogates), JSON of at most 64 levels
    /// (malformed JSON is the server's 400), then the points parser.</summary>
    private static void NativePoints(byte[] bytes)
    {
        JsonText.Check(bytes);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw ApiException.Invalid("Malformed JSON: " + ex.Message);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                _ = PointsParser.Parse(doc.RootElement);
            }
        }
    }

    /// <summary>An importer fed one file at <paramref name="file"/> (relative to the scratch folder), with fixed
    /// <paramref name="beside"/> files where the format needs a folder around it; the path imported is the file, or the
    /// run folder for folder formats.</summary>
    private static FuzzTarget Importer(string name, string file, params (string Path, string Text)[] beside)
    {
        var format = name switch { "mlflow-meta" => "mlflow", "wandb-history" => "wandb", _ => name };
        var importer = ImporterCatalog.ByFormat(format) ?? throw new InvalidOperationException($"no importer '{format}'");
        var folderFormat = format is "mlflow" or "wandb";
        var besideBytes = beside.Select(b => (b.Path, Encoding.UTF8.GetBytes(b.Text))).ToArray();
        return new FuzzTarget(name, $"the {format} importer ({file})", Import, bytes =>
        {
            var root = Scratch.Lay(file, bytes, besideBytes);
            var path = Path.Combine(root, folderFormat ? Path.GetDirectoryName(file)!.Replace("/metrics", "", StringComparison.Ordinal) : file);
            _ = importer.Detect(path);
            importer.ImportAsync(path, ImportContext.None).GetAwaiter().GetResult();
        });
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
