using System.Globalization;
using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Reports.Contracts;

namespace Runlens.Reports.ChangePoints;

/// <summary>A change-point search over one signal, with where the signal came from.</summary>
/// <param name="Source">The file or run path.</param>
/// <param name="Series">The run series searched (null for a plain values file).</param>
/// <param name="Steps">The training step of each sample (null for a plain values file).</param>
/// <param name="Skipped">Non-finite points left out of the series before the search.</param>
public sealed record ChangePointReport(ChangePointResult Result, string Source, string? Series, IReadOnlyList<long>? Steps, int Skipped)
{
    public const string Schema = ChangePointsDocument.CurrentSchema;

    /// <summary><c>runlens.changepoints/v1</c>: breakpoints as ruptures reports them (segment ends, the last equal to n).</summary>
    public void WriteJson(Stream output) => ContractJson.WriteDocument(output, ToDocument(), ContractJsonWriter.Write);

    /// <summary>The report as its contract record.</summary>
    public ChangePointsDocument ToDocument()
    {
        var r = Result;
        return new ChangePointsDocument(Schema, r.Breakpoints, r.Cost, r.Penalty, r.PenaltyRule, r.N, r.D, r.MinSize, r.Jump, Source, Series,
            Series is null ? null : Skipped,
            [.. r.Segments.Select(s => new SegmentJson(s.Start, s.End, Steps?[s.Start], Steps?[s.End - 1], s.Mean))]);
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
