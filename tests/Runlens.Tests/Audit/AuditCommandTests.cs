using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>The <c>runlens audit</c> process: its formats, exit codes, the filter list and <c>analyze --data-dir</c>.</summary>
public sealed class AuditCommandTests
{
    [MediaFact]
    public async Task Json_is_one_runlens_audit_document_with_every_check_and_every_example()
    {
        var run = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"), "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.StdOut);
        var root = doc.RootElement;
        Assert.Equal("runlens.audit/v1", root.GetProperty("schema").GetString());
        Assert.Equal(26, root.GetProperty("checks").GetArrayLength());
        var finding = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "blurry-image");
        Assert.Equal("RL0706", finding.GetProperty("id").GetString());
        Assert.Equal("warning", finding.GetProperty("severity").GetString());
        Assert.Equal(100, finding.GetProperty("evidence").GetProperty("threshold").GetDouble());
        var issue = finding.GetProperty("issues")[0];
        Assert.True(issue.GetProperty("value").GetDouble() < 100);
        Assert.Equal(256, issue.GetProperty("width").GetInt32());
        Assert.Contains(root.GetProperty("examples").EnumerateArray(), e => e.TryGetProperty("phash", out var h) && h.GetString()!.Length == 16);
    }

    [MediaFact]
    public async Task Silence_is_written_as_minus_infinity_in_JSON()
    {
        var run = await RunlensProcess.RunAsync("audit", AuditMedia.Path("audio"), "--format", "json");
        using var doc = JsonDocument.Parse(run.StdOut);
        var silent = doc.RootElement.GetProperty("examples").EnumerateArray().Single(e => e.GetProperty("path").GetString()!.EndsWith("silent.wav", StringComparison.Ordinal));
        Assert.Equal("-Infinity", silent.GetProperty("rms_dbfs").GetString());
    }

    [MediaFact]
    public async Task Write_filter_lists_the_files_to_leave_out_one_per_line()
    {
        using var dir = new TempDir();
        var filter = dir.File("leave-out.txt");
        var run = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"), "--format", "json", "--write-filter", filter);
        Assert.Equal(0, run.ExitCode);
        var lines = await File.ReadAllLinesAsync(filter);
        using var doc = JsonDocument.Parse(run.StdOut);
        Assert.Equal(doc.RootElement.GetProperty("leave_out").EnumerateArray().Select(e => e.GetString()), lines);
        Assert.Contains(lines, l => l.EndsWith("train/people/truncated.jpg", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(File.Exists(l), l));
    }

    [MediaFact]
    public async Task Html_is_one_self_contained_page_with_thumbnails_and_per_check_counts()
    {
        using var dir = new TempDir();
        var page = dir.File("audit.html");
        var run = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"), "--format", "html", "--out", page);
        Assert.Equal(0, run.ExitCode);
        var html = await File.ReadAllTextAsync(page);
        Assert.Contains("id=\"thumbnails\"", html, StringComparison.Ordinal);
        Assert.Contains("data:image/jpeg;base64,", html, StringComparison.Ordinal);
        Assert.Contains("id=\"checks\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.Contains("blurry-image", html, StringComparison.Ordinal);
    }

    [MediaFact]
    public async Task Markdown_and_text_name_the_findings_and_the_thresholds()
    {
        var md = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"), "--format", "md");
        Assert.Contains("variance of the Laplacian below 100", md.StdOut, StringComparison.Ordinal);
        Assert.Contains("## Checks", md.StdOut, StringComparison.Ordinal);
        var text = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"));
        Assert.Contains("ERROR RL0712", text.StdOut, StringComparison.Ordinal);
    }

    [MediaFact]
    public async Task Splits_can_be_named_on_the_command_line()
    {
        var run = await RunlensProcess.RunAsync("audit", AuditMedia.Path("dirty"), "--split", "train=" + AuditMedia.Path("dirty/train"),
            "--split", "test=" + AuditMedia.Path("dirty/test"), "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.StdOut);
        Assert.Equal(["train", "test"], doc.RootElement.GetProperty("splits").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var leak = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("rule").GetString() == "split-leakage");
        Assert.Equal(1, leak.GetProperty("issues").GetArrayLength());
    }

    [Fact]
    public async Task A_folder_with_nothing_to_audit_is_one_line_and_exit_2()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("notes.md"), "nothing here");
        await File.WriteAllTextAsync(dir.File("model.bin"), "weights");
        var run = await RunlensProcess.RunAsync("audit", dir.Path);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StdErr.Trim().Split('\n'));
        Assert.Contains("nothing to audit", line, StringComparison.Ordinal);
        Assert.Contains(dir.Path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdErr, StringComparison.Ordinal);

        var missing = await RunlensProcess.RunAsync("audit", Path.Combine(dir.Path, "nope"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file or folder", missing.StdErr, StringComparison.Ordinal);

        var usage = await RunlensProcess.RunAsync("audit", dir.Path, "--set", "blurry-image.nope=1");
        Assert.Equal(1, usage.ExitCode);
        Assert.Contains("has no option 'nope'", usage.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_lists_the_audit_checks_with_the_run_rules()
    {
        var run = await RunlensProcess.RunAsync("rules");
        Assert.Contains("RL0706  blurry-image", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("RL0101  overfitting", run.StdOut, StringComparison.Ordinal);
        var one = await RunlensProcess.RunAsync("rules", "split-leakage");
        Assert.Contains("--set split-leakage.max_distance=6", one.StdOut, StringComparison.Ordinal);
    }

    [MediaFact]
    public async Task Analyze_with_a_data_dir_adds_the_audits_findings_to_the_runs_diagnosis()
    {
        var run = await RunlensProcess.RunAsync("analyze", Fixtures.Example("hf-trainer-multi-eval-overfit"), "--data-dir", AuditMedia.Path("dirty"), "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.StdOut);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "overfitting");
        var leak = findings.Single(f => f.GetProperty("rule").GetString() == "split-leakage");
        Assert.Equal("error", leak.GetProperty("severity").GetString());
        var evidence = leak.GetProperty("evidence");
        Assert.Equal(AuditMedia.Path("dirty"), evidence.GetProperty("data_dir").GetString());
        Assert.Equal(2, evidence.GetProperty("check").GetProperty("count").GetInt32());
        Assert.Equal(2, evidence.GetProperty("issues").GetInt32());
        Assert.NotEqual(0, evidence.GetProperty("files").GetArrayLength());

        var plain = await RunlensProcess.RunAsync("analyze", Fixtures.Example("hf-trainer-multi-eval-overfit"), "--format", "json");
        using var before = JsonDocument.Parse(plain.StdOut);
        Assert.Equal(before.RootElement.GetProperty("findings").GetArrayLength() + 14, findings.Count);
    }
}
