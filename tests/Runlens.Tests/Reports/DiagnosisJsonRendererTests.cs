using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Reports.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

public sealed class DiagnosisJsonRendererTests
{
    private static JsonDocument Render(params Diagnosis[] d)
    {
        using var ms = new MemoryStream();
        new DiagnosisJsonRenderer().Render(d, ms);
        return JsonDocument.Parse(ms.ToArray());
    }

    private static Diagnosis NanRun() => new Diagnoser().Diagnose(new RunBuilder()
        .Series("train/loss", 10, 2.0, 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity)
        .Series("val/loss", 25, 1.9, 1.4)
        .Build());

    [Fact]
    public void Writes_the_contract_fields()
    {
        using var doc = Render(NanRun());
        var root = doc.RootElement;
        Assert.Equal("runlens.diagnosis/v2", root.GetProperty("schema").GetString());
        foreach (var field in new[] { "run", "summary", "findings", "coverage", "metrics", "config_changes", "next_steps" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }

        Assert.Equal("hf-trainer-state", root.GetProperty("run").GetProperty("source").GetProperty("format").GetString());
        Assert.Equal("critical", root.GetProperty("summary").GetProperty("status").GetString());
        var finding = root.GetProperty("findings")[0];
        foreach (var field in new[] { "rule", "id", "severity", "confidence", "title", "evidence", "steps", "recommendations" })
        {
            Assert.True(finding.TryGetProperty(field, out _), field);
        }

        Assert.Equal("divergence", finding.GetProperty("rule").GetString());
        Assert.True(root.GetProperty("coverage").GetProperty("score").GetDouble() > 0);
    }

    [Fact]
    public void Writes_NaN_and_infinities_as_strings()
    {
        using var doc = Render(NanRun());
        var metrics = doc.RootElement.GetProperty("metrics").GetProperty("train/loss");
        Assert.Equal(3, metrics.GetProperty("non_finite").GetInt32());
        Assert.Equal("-Infinity", metrics.GetProperty("last").GetProperty("value").GetString());
        var evidence = doc.RootElement.GetProperty("findings")[0].GetProperty("evidence");
        Assert.Equal("NaN", evidence.GetProperty("first_non_finite_value").GetString());
    }

    [Fact]
    public void Several_runs_make_one_diagnoses_document()
    {
        using var doc = Render(NanRun(), NanRun());
        Assert.Equal("runlens.diagnoses/v2", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("runs").GetArrayLength());
    }
}
