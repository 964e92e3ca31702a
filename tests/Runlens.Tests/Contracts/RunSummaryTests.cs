using System.Text;
using Runlens.Analysis.Diagnoses;
using Runlens.Reports.Contracts;
using Runlens.Tests.Support;

namespace Runlens.Tests.Contracts;

/// <summary>The run summary the server keeps with a run and MCP reads back: snake_case through the contracts' context.</summary>
public sealed class RunSummaryTests
{
    private static Diagnosis Diverging() => new Diagnoser().Diagnose(new RunBuilder()
        .Series("train/loss", 10, 2.0, 1.5, double.NaN)
        .Series("val/loss", 25, 1.9, 1.4)
        .Build());

    [Fact]
    public void A_summary_is_stored_in_snake_case_and_reads_back_equal()
    {
        var summary = RunSummary.From(Diverging(), "v5");
        var text = Encoding.UTF8.GetString(summary.ToBytes());
        Assert.StartsWith("""{"version":"v5","status":"critical","findings":{""", text, StringComparison.Ordinal);
        Assert.Contains("\"primary_metric\":\"val/loss\"", text, StringComparison.Ordinal);
        var back = RunSummary.Read(summary.ToBytes());
        Assert.NotNull(back);
        Assert.Equal(summary with { Findings = null! }, back! with { Findings = null! });
        Assert.Equal(summary.Findings, back.Findings);
    }

    [Fact]
    public void Finding_counts_are_by_severity_in_ordinal_order()
    {
        var summary = RunSummary.From(Diverging(), "v5");
        Assert.Equal(summary.Findings.Keys.Order(StringComparer.Ordinal), summary.Findings.Keys);
        Assert.Equal(Diverging().Findings.Length, summary.Findings.Values.Sum());
    }

    [Fact]
    public void A_summary_stored_by_an_older_version_in_PascalCase_is_not_read()
    {
        var old = """{"Points":5,"Status":"critical","Findings":{"error":1},"Primary":"val/loss","Best":1.4,"BestStep":50,"Final":1.4,"FinalStep":50}"""u8.ToArray();
        Assert.Null(RunSummary.Read(old));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"version\": 5}")]
    public void Bytes_that_are_not_a_summary_read_as_none(string text) => Assert.Null(RunSummary.Read(Encoding.UTF8.GetBytes(text)));
}
