using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary><c>bench/diagnosis/recorded.json</c>: the quick subset's figures per split, as the scorer last recorded them
/// (<c>--record</c>). Every figure is higher-is-better; the CI test fails when one drops below its recorded value.</summary>
internal sealed record RecordedFigures(ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, double>> Splits)
{
    public const string Schema = "runlens.bench.recorded/v1";
    public const string SubsetNote = "quick subset: seeds 0 (tuning) and 2 (held-out) of every variant of every condition";
    private const double Tolerance = 1e-9;

    public static RecordedFigures From(IEnumerable<SplitScore> scores) =>
        new(scores.ToImmutableSortedDictionary(s => s.Split, s => s.Figures(), StringComparer.Ordinal));

    public static RecordedFigures Read(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var splits = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, double>>(StringComparer.Ordinal);
            foreach (var split in doc.RootElement.GetProperty("figures").EnumerateObject())
            {
                splits[split.Name] = split.Value.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
            }

            return new RecordedFigures(splits.ToImmutable());
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BenchDataException($"{file}: {ex.Message}; record the figures with `dotnet run -c Release --project bench/Runlens.Bench -- diagnosis --record`");
        }
    }

    public void Write(string file)
    {
        using var stream = File.Create(file);
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("subset", SubsetNote);
            w.WriteStartObject("figures");
            foreach (var (split, figures) in Splits)
            {
                w.WriteStartObject(split);
                foreach (var (name, value) in figures)
                {
                    w.WriteNumber(name, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    /// <summary>Figures of <paramref name="current"/> below the recorded ones (or no longer measured), and figures above them.</summary>
    public (ImmutableArray<string> Drops, ImmutableArray<string> Rises) Compare(RecordedFigures current)
    {
        var drops = new List<string>();
        var rises = new List<string>();
        foreach (var (split, figures) in Splits)
        {
            var now = current.Splits.GetValueOrDefault(split) ?? ImmutableSortedDictionary<string, double>.Empty;
            foreach (var (name, recorded) in figures)
            {
                if (!now.TryGetValue(name, out var value))
                {
                    // a rule that no longer takes part has nothing to lose: its precision and recall read as 1
                    value = name.StartsWith("rule.", StringComparison.Ordinal) ? 1 : double.NaN;
                }

                if (!(value >= recorded - Tolerance))
                {
                    drops.Add(string.Create(CultureInfo.InvariantCulture, $"{split} {name}: {value:0.####} < recorded {recorded:0.####}"));
                }
                else if (value > recorded + Tolerance)
                {
                    rises.Add(string.Create(CultureInfo.InvariantCulture, $"{split} {name}: {value:0.####} > recorded {recorded:0.####}"));
                }
            }

            foreach (var (name, value) in now.Where(kv => !figures.ContainsKey(kv.Key)))
            {
                // a rule that starts to take part: compare with the 1 it read as before
                if (value < 1 - Tolerance)
                {
                    drops.Add(string.Create(CultureInfo.InvariantCulture, $"{split} {name}: {value:0.####} < 1 (not measured when recorded)"));
                }
            }
        }

        return ([.. drops], [.. rises]);
    }
}
