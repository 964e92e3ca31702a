using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary><c>runlens evaluate PREDICTIONS --audit AUDIT.json</c>: the audit's measures become slices, and a batch
/// column gives per-batch metrics, on 100 real photo crops of which 40 were blurred when they were made.</summary>
public sealed class EvaluateWithAuditTests
{
    [MediaFact]
    public async Task Blurred_images_become_a_slice_whose_accuracy_the_slice_rule_compares_with_sharp_ones()
    {
        using var dir = new TempDir();
        var audit = dir.File("audit.json");
        var a = await RunlensProcess.RunAsync("audit", AuditMedia.Path("evalset"), "--format", "json", "--out", audit);
        Assert.Equal(0, a.ExitCode);

        // which crops are blurred, by OpenCV's Laplacian variance (the generator's reference), and made-up predictions:
        // 40% right on blurred crops, 92% on sharp ones, and batch 7 all wrong
        var blurred = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var r in AuditMedia.Reference.GetProperty("blur").EnumerateObject().Where(r => r.Name.StartsWith("evalset/", StringComparison.Ordinal)))
        {
            blurred[r.Name["evalset/".Length..]] = r.Value.GetProperty("blur").GetDouble() < 100 && r.Value.GetProperty("contrast").GetDouble() >= 5;
        }

        var csv = new StringBuilder("example_id,label,predicted,batch\n");
        var correct = new Dictionary<string, bool>();
        var (seenBlurred, seenSharp) = (0, 0);
        var n = 0;
        foreach (var (id, isBlurred) in blurred)
        {
            var batch = n++ / 10;
            var right = batch != 7 && (isBlurred ? seenBlurred++ % 5 < 2 : seenSharp++ % 25 < 23);
            var label = id[..1];
            correct[id] = right;
            csv.Append(CultureInfo.InvariantCulture, $"{id},{label},{(right ? label : label == "a" ? "b" : "a")},{batch}\n");
        }

        var predictions = dir.File("predictions.csv");
        await File.WriteAllTextAsync(predictions, csv.ToString());
        var run = await RunlensProcess.RunAsync("evaluate", predictions, "--audit", audit, "--format", "json");
        Assert.True(run.ExitCode == 0, run.StdErr);
        using var doc = JsonDocument.Parse(run.StdOut);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var blur = findings.Single(f => f.GetProperty("rule").GetString() == "slice-gap" && f.GetProperty("evidence").GetProperty("column").GetString() == "image blur");
        double Accuracy(bool b) => (double)blurred.Count(kv => kv.Value == b && correct[kv.Key]) / blurred.Count(kv => kv.Value == b);
        var ev = blur.GetProperty("evidence");
        Assert.Equal("blurred", ev.GetProperty("worst_slice").GetString());
        Assert.Equal(Accuracy(true), ev.GetProperty("worst_accuracy").GetDouble(), 12);
        Assert.Equal(Accuracy(false), ev.GetProperty("best_accuracy").GetDouble(), 12);
        Assert.StartsWith("image blur blurred scores accuracy", blur.GetProperty("title").GetString(), StringComparison.Ordinal);

        var batches = doc.RootElement.GetProperty("batches");
        var worst = batches.GetProperty("worst").EnumerateArray().First();
        Assert.Equal("7", worst.GetProperty("batch").GetString());
        Assert.Equal(0, worst.GetProperty("accuracy").GetDouble());
        Assert.Equal(blurred.Keys.Skip(70).Take(10), worst.GetProperty("example_ids").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(10, batches.GetProperty("batches").GetArrayLength());
    }

    [MediaFact]
    public async Task Predictions_that_match_no_audited_file_are_one_clear_error()
    {
        using var dir = new TempDir();
        var audit = dir.File("audit.json");
        Assert.Equal(0, (await RunlensProcess.RunAsync("audit", AuditMedia.Path("clean"), "--format", "json", "--out", audit)).ExitCode);
        var predictions = dir.File("p.csv");
        await File.WriteAllTextAsync(predictions, "example_id,label,predicted\nx1,a,a\nx2,b,a\n");
        var run = await RunlensProcess.RunAsync("evaluate", predictions, "--audit", audit);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no example_id matches", run.StdErr, StringComparison.Ordinal);
        Assert.Single(run.StdErr.Trim().Split('\n'));

        await File.WriteAllTextAsync(audit, "{\"schema\": \"runlens.diagnosis/v1\"}");
        var bad = await RunlensProcess.RunAsync("evaluate", predictions, "--audit", audit);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not a runlens.audit/v1 document", bad.StdErr, StringComparison.Ordinal);
    }
}
