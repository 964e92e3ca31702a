using System.CommandLine;
using System.Globalization;
using Runlens.Analysis.Evaluation;

namespace Runlens.Cli.Commands;

/// <summary><c>--group-by COL</c>, <c>--slice-by COL</c> (repeatable) and <c>--bucket-by COL:EDGES</c>, shared by
/// <c>evaluate</c> and <c>analyze --predictions</c>.</summary>
internal sealed class SliceOptions
{
    public Option<string?> GroupBy { get; } = new("--group-by") { Description = "Predictions column whose values are groups (speaker, patient, document) for group-memorization" };

    public Option<string[]> SliceBy { get; } = new("--slice-by") { Description = "Predictions column whose values are slices (source, domain) for slice-gap (repeatable)" };

    public Option<string?> BucketBy { get; } = new("--bucket-by") { Description = "Numeric predictions column cut into buckets, COL:EDGES, e.g. duration:0,5,10,15" };

    public void AddTo(Command command)
    {
        command.Options.Add(GroupBy);
        command.Options.Add(SliceBy);
        command.Options.Add(BucketBy);
    }

    /// <summary>The spec, or a usage error message.</summary>
    public (SliceSpec? Spec, string? Error) Parse(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        (string, IReadOnlyList<double>)? bucket = null;
        if (parse.GetValue(BucketBy) is { } b)
        {
            var colon = b.LastIndexOf(':');
            var edges = colon > 0 ? b[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
            var values = new List<double>();
            foreach (var e in edges)
            {
                if (!double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    return (null, $"--bucket-by '{b}': '{e}' is not a number; expected COL:EDGES such as duration:0,5,10,15");
                }

                values.Add(v);
            }

            if (colon <= 0 || values.Count < 2 || values.Zip(values.Skip(1)).Any(p => p.Second <= p.First))
            {
                return (null, $"--bucket-by '{b}': expected COL:EDGES with two or more increasing edges, such as duration:0,5,10,15");
            }

            bucket = (b[..colon], values);
        }

        return (new SliceSpec(parse.GetValue(GroupBy), parse.GetValue(SliceBy) ?? [], bucket), null);
    }
}
