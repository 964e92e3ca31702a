using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Model;

namespace Runlens.Tests.Live.Alerts;

/// <summary>Diagnoses with chosen findings, and sinks that record or fail, for the alert tests.</summary>
internal static class AlertTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static Diagnosis Diag(Run run, params Finding[] findings) => Diag(run, findings, null);

    /// <summary>A diagnosis with the given findings and, optionally, a primary metric, its direction and its best point.</summary>
    public static Diagnosis Diag(Run run, Finding[] findings, string? primary, bool greaterIsBetter = false, MetricPoint? best = null) => new(
        run,
        new DiagnosisSummary(findings.Length == 0 ? DiagnosisStatus.Healthy : DiagnosisStatus.Warning, "", primary, "test",
            greaterIsBetter, best, null, null, null),
        [.. findings],
        new Coverage(1, [], [], [], []),
        [],
        [],
        []);

    public static Finding NewFinding(string ruleId, string slug, Severity severity, string title, params string[] series) =>
        NewFinding(ruleId, slug, severity, title, Evidence.Empty, series);

    public static Finding NewFinding(string ruleId, string slug, Severity severity, string title, Evidence evidence, params string[] series) =>
        new(ruleId, slug, severity, 0.9, title, evidence, [120], [Recommendation.Do($"Fix {slug}.")], $"Why {slug} happens.", [.. series]);

    public static AlertConfig Config(string yaml) => AlertConfig.Parse(yaml, "alerts.yaml");

    /// <summary>A 127.0.0.1 port nothing listens on (it was free a moment ago), for refused connections.</summary>
    public static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Parsing <paramref name="yaml"/> fails with one line: <c>watch/alerts.yaml:LINE:COLUMN: …</c> containing
    /// <paramref name="expected"/>, without a stack trace.</summary>
    public static void AssertConfigError(string yaml, int line, int column, string expected)
    {
        var ex = Assert.Throws<AlertConfigException>(() => AlertConfig.Parse(yaml, "watch/alerts.yaml"));
        Assert.Equal(("watch/alerts.yaml", line, column), (ex.File, ex.Line, ex.Column));
        Assert.StartsWith($"watch/alerts.yaml:{line}:{column}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(ex);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>Keeps every alert it is sent.</summary>
internal sealed class RecordingAlertSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];

    public string Name => "recording";

    public Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        Alerts.Add(alert);
        return Task.CompletedTask;
    }
}

/// <summary>Fails every delivery.</summary>
internal sealed class FailingAlertSink : IAlertSink
{
    public string Name => "broken";

    public Task SendAsync(Alert alert, CancellationToken cancellationToken) => throw new IOException("disk full");
}

/// <summary>Series with wall times, which <see cref="Support.RunBuilder"/> does not set.</summary>
internal static class TimedSeries
{
    public static Series Of(string key, DateTimeOffset start, TimeSpan every, params double[] values) => new(key, key,
        [.. values.Select((v, i) => new SeriesPoint(i + 1, v, double.NaN, (start + every * i).ToUnixTimeMilliseconds() / 1000.0))]);

    public static Run With(Run run, Series series) => run with { Series = run.Series.SetItem(series.Key, series) };

    public static ImmutableArray<double> Values(params double[] v) => [.. v];
}
