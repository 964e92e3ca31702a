using Runlens.Analysis.Comparison;

namespace Runlens.Mcp.Tools;

/// <summary>
/// <c>compare_runs</c>' answer, written from <see cref="RunComparison"/>. A thin adapter: a richer comparison plugs in
/// here (and in <see cref="AnalysisTools.CompareRunsAsync"/>) without touching the rest of the server.
/// </summary>
internal static class ComparisonJson
{
    /// <param name="metrics">Only these series keys, or all when null.</param>
    public static string Write(RunComparison comparison, IReadOnlySet<string>? metrics) => CompactJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("runs");
        foreach (var r in comparison.Runs)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Identity.Id);
            w.WriteString("name", r.Identity.Name);
            w.WriteString("status", CompactJson.Status(r.Status));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("config_differences");
        foreach (var d in comparison.Config)
        {
            w.WriteStartObject();
            w.WriteString("key", d.Key);
            w.WriteStartArray("values");
            foreach (var v in d.Values)
            {
                if (v is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    CompactJson.Config(w, Model.ConfigValue.Parse(v));
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("metrics");
        foreach (var m in comparison.Metrics.Where(m => metrics is null || metrics.Contains(m.Key)))
        {
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteBoolean("lower_is_better", m.LowerIsBetter);
            w.WriteStartArray("runs");
            foreach (var s in m.PerRun)
            {
                if (s is null)
                {
                    w.WriteNullValue();
                    continue;
                }

                w.WriteStartObject();
                CompactJson.Number(w, "best", s.Best);
                w.WriteNumber("best_step", s.BestStep);
                CompactJson.Number(w, "final", s.Final);
                w.WriteNumber("final_step", s.FinalStep);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
