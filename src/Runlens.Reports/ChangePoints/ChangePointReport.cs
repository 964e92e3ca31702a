using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Analysis;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Reports.Json;

namespace Runlens.Reports.ChangePoints;

/// <summary>A change-point search over one signal, with where the signal came from.</summary>
/// <param name="Source">The file or run path.</param>
/// <param name="Series">The run series searched (null for a plain values file).</param>
/// <param name="Steps">The training step of each sample (null for a plain values file).</param>
/// <param name="Skipped">Non-finite points left out of the series before the search.</param>
public sealed record ChangePointReport(ChangePointResult Result, string Source, string? Series, IReadOnlyList<long>? Steps, int Skipped)
{
    public const string Schema = "runlens.changepoints/v1";

    /// <summary><c>runlens.changepoints/v1</c>: breakpoints as ruptures reports them (segment ends, the last equal to n).</summary>
    public void WriteJson(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var r = Result;
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteStartArray("breakpoints");
            foreach (var b in r.Breakpoints)
            {
                w.WriteNumberValue(b);
            }

            w.WriteEndArray();
            w.WriteString("cost", r.Cost);
            JsonNumbers.Write(w, "penalty", r.Penalty);
            w.WriteString("penalty_rule", r.PenaltyRule);
            w.WriteNumber("n", r.N);
            w.WriteNumber("d", r.D);
            w.WriteNumber("min_size", r.MinSize);
            w.WriteNumber("jump", r.Jump);
            w.WriteString("source", Source);
            if (Series is not null)
            {
                w.WriteString("series", Series);
                w.WriteNumber("skipped_non_finite", Skipped);
            }

            w.WriteStartArray("segments");
            foreach (var s in r.Segments)
            {
                w.WriteStartObject();
                w.WriteNumber("start", s.Start);
                w.WriteNumber("end", s.End);
                if (Steps is not null)
                {
                    w.WriteNumber("first_step", Steps[s.Start]);
                    w.WriteNumber("last_step", Steps[s.End - 1]);
                }

                w.WriteStartArray("mean");
                foreach (var m in s.Mean)
                {
                    JsonNumbers.Write(w, m);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
    }

    /// <summary>A few lines for a terminal: how many change points, where, and the segment means.</summary>
    public string ToText()
    {
        var r = Result;
        var sb = new StringBuilder();
        var what = Series is null ? Source : $"{Series} in {Source}";
        var changes = r.Breakpoints.Length - 1;
        sb.Append(CultureInfo.InvariantCulture,
            $"{what}: {r.N} samples{(r.D > 1 ? $" × {r.D}" : "")}, cost {r.Cost}, penalty {Format.Number(r.Penalty)} ({r.PenaltyRule}), min size {r.MinSize}, jump {r.Jump}");
        if (Skipped > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {Skipped} non-finite points left out");
        }

        sb.AppendLine();
        sb.AppendLine(changes == 0 ? "no change point" : $"{changes} change point{(changes == 1 ? "" : "s")}");
        foreach (var s in r.Segments)
        {
            var where = Steps is null
                ? $"[{s.Start}, {s.End})"
                : $"steps {Format.Step(Steps[s.Start])}–{Format.Step(Steps[s.End - 1])}";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  {where,-28} {s.End - s.Start,6} samples  mean {string.Join(", ", s.Mean.Select(Format.Number))}");
        }

        return sb.ToString();
    }
}
