using System.Globalization;
using System.Text;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Settings;
using Runlens.Pipeline.Stores;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Mcp;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>A stored run's diagnosis is kept while its version (points, status, config, uploads' contents, rule
/// options, rule catalogue) is the same, and made again as soon as any of them changes.</summary>
public sealed class StoredDiagnosesTests
{
    private static byte[] Predictions(int catsCalledDogs)
    {
        var csv = new StringBuilder("label,prediction\n");
        for (var i = 0; i < 200; i++)
        {
            var cat = i % 4 == 0;
            csv.Append(CultureInfo.InvariantCulture, $"{(cat ? "cat" : "dog")},{(cat && i / 4 >= catsCalledDogs ? "cat" : "dog")}\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static async Task<(SqliteRunStore Store, string Id)> StoreWithOneRunAsync(TempDir dir)
    {
        var store = await SqliteRunStore.OpenAsync(dir.File("runlens.db"));
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs);
        await store.SaveRunAsync(run);
        return (store, run.Identity.Id);
    }

    [Fact]
    public async Task An_unchanged_run_is_diagnosed_once_and_a_new_upload_with_the_same_name_is_seen_at_once()
    {
        using var dir = new TempDir();
        var (store, id) = await StoreWithOneRunAsync(dir);
        await using var _ = store;
        var diagnoses = StoredDiagnoses.Over(StoreAccess.Of(store));

        var first = await diagnoses.DiagnoseAsync(id);
        Assert.Same(first, await diagnoses.DiagnoseAsync(id));
        Assert.Null(first!.Predictions);

        await store.ApplyAsync(id, new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Predictions(25))] });
        var uploaded = await diagnoses.DiagnoseAsync(id);
        Assert.Equal(0.875, uploaded!.Predictions!.Metrics.Accuracy, 12);

        // The same upload name with other contents: a new version, a new diagnosis.
        await store.ApplyAsync(id, new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Predictions(0))] });
        var again = await diagnoses.DiagnoseAsync(id);
        Assert.Equal(1.0, again!.Predictions!.Metrics.Accuracy, 12);
        Assert.NotEqual((await diagnoses.VersionAsync(id))!.Validation, RunVersion.HashOf(Predictions(25)));
    }

    [Fact]
    public async Task A_new_point_a_new_status_and_other_rule_options_each_give_a_new_version()
    {
        using var dir = new TempDir();
        var (store, id) = await StoreWithOneRunAsync(dir);
        await using var _ = store;
        var access = StoreAccess.Of(store);
        var plain = StoredDiagnoses.Over(access);
        var patient = StoredDiagnoses.Over(access, SettingsLoader.Load(null, ["early-stopping.patience=1"], dir.Path));
        var v0 = (await plain.VersionAsync(id))!;
        Assert.NotEqual(v0, await patient.VersionAsync(id));
        Assert.NotEqual(
            (await plain.DiagnoseAsync(id))!.Findings.Single(f => f.Rule == "early-stopping").Title,
            (await patient.DiagnoseAsync(id))!.Findings.Single(f => f.Rule == "early-stopping").Title);

        await store.ApplyAsync(id, new RunChanges { Points = [new MetricPoints("eval_loss", [new Runlens.Model.SeriesPoint(999_999, 5.0, double.NaN, double.NaN)])] });
        var v1 = (await plain.VersionAsync(id))!;
        Assert.Equal(v0.Points + 1, v1.Points);
        await store.ApplyAsync(id, new RunChanges { Status = Runlens.Model.RunStatus.Failed });
        var v2 = (await plain.VersionAsync(id))!;
        Assert.NotEqual(v1, v2);
        Assert.Contains((await plain.DiagnoseAsync(id))!.Findings, f => f.Rule == "failed-run");
    }

    [Fact]
    public async Task The_runs_tables_summary_is_kept_with_the_run_under_its_version()
    {
        using var dir = new TempDir();
        var (store, id) = await StoreWithOneRunAsync(dir);
        await using var _ = store;
        var diagnoses = StoredDiagnoses.Over(StoreAccess.Of(store));
        var record = (await store.GetRecordAsync(id))!;
        Assert.Null(await diagnoses.KeptSummaryAsync(record));
        var summary = await diagnoses.SummaryAsync(record);
        Assert.Equal((await diagnoses.VersionAsync(id))!.Key, summary!.Version);
        var kept = await StoredDiagnoses.Over(StoreAccess.Of(store)).KeptSummaryAsync(record); // another process, same options
        Assert.Equal((summary.Version, summary.Status, summary.Best), (kept!.Version, kept.Status, kept.Best));

        // Under other rule options the kept summary does not hold.
        Assert.Null(await StoredDiagnoses.Over(StoreAccess.Of(store), SettingsLoader.Load(null, ["early-stopping.patience=1"], dir.Path)).KeptSummaryAsync(record));
        await store.ApplyAsync(id, new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Predictions(25))] });
        Assert.Null(await diagnoses.KeptSummaryAsync(record));
    }

    [Fact]
    public async Task A_warmed_run_is_forgotten_by_the_warming_once_its_page_is_ready()
    {
        using var dir = new TempDir();
        var (store, id) = await StoreWithOneRunAsync(dir);
        await using var _ = store;
        var diagnoses = StoredDiagnoses.Over(StoreAccess.Of(store));
        var version = (await diagnoses.VersionAsync(id))!;

        diagnoses.Warm(id);
        diagnoses.Warm("no-such-run");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((diagnoses.Warming > 0 || !diagnoses.IsReady(id, version)) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.True(diagnoses.IsReady(id, version));
        Assert.Equal(0, diagnoses.Warming);
    }
}
