using System.Text.Json;
using System.Text.RegularExpressions;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Model;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>
/// Checks that findings carry evidence as data: each finding's evidence is a record its rule declares, and no string in
/// its JSON packs several facts into one value. A string value is acceptable when it is
/// <list type="number">
/// <item>copied verbatim from the input: a series key or its original name, a config key or text value, a checkpoint
/// path, an event message, the run's id or name, a class name, an example id, a slice or group column name or value, a
/// seed or metric name of a seed aggregate (the user's own text, whatever it holds);</item>
/// <item>one identifier token (<see cref="Identifier"/>: letters and digits joined by <c>- _ . /</c>, such as a level word,
/// a source, a config key or a rule slug); having no space, it cannot put a number next to words, and it holds none of
/// <c>: ( ) , " vs " "at step"</c>;</item>
/// <item>the interval naming one bucket of a numeric column (<c>[5, 10)</c>, <c>&lt; 5</c>, <c>≥ 15</c>), whose bounds the
/// same record carries as numbers;</item>
/// <item>a non-finite number as JSON writes it (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>).</item>
/// </list>
/// </summary>
internal static partial class EvidenceAudit
{
    /// <summary>The problems of the findings' evidence (empty when every finding passes).</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<Finding> findings, Run run, PredictionContext? predictions = null,
        PredictionContext? training = null, SeedAggregate? seeds = null)
    {
        var input = InputStrings(run, predictions, training, seeds);
        var problems = new List<string>();
        foreach (var f in findings)
        {
            var rule = RuleCatalog.Find(f.RuleId);
            if (rule is null)
            {
                problems.Add($"{f.RuleId}: no such rule");
                continue;
            }

            if (!rule.Descriptor.Evidence.Contains(f.Evidence.GetType()))
            {
                problems.Add($"{f.RuleId} {f.Rule}: evidence {f.Evidence.GetType().Name} is not one the rule declares");
            }

            // The generated writer (src/Runlens.JsonWriterGenerator) writes what System.Text.Json's metadata writes.
            var reference = JsonSerializer.Serialize(f.Evidence, EvidenceJson.TypeInfo(f.Evidence.GetType()));
            if (EvidenceJson.ToElement(f.Evidence).GetRawText() != reference)
            {
                problems.Add($"{f.RuleId} {f.Rule}: the generated evidence JSON differs from System.Text.Json's {reference}");
            }

            foreach (var (path, value) in Strings(EvidenceJson.ToElement(f.Evidence), "$"))
            {
                if (!Acceptable(value, input))
                {
                    problems.Add($"{f.RuleId} {f.Rule}: {path} = \"{value}\" packs facts into a string");
                }
            }
        }

        return problems;
    }

    /// <summary>Fails with every problem listed.</summary>
    public static void Check(IEnumerable<Finding> findings, Run run, PredictionContext? predictions = null,
        PredictionContext? training = null, SeedAggregate? seeds = null)
    {
        var problems = Problems(findings, run, predictions, training, seeds);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    public static bool Acceptable(string value, IReadOnlySet<string> input) =>
        input.Contains(value) || Identifier().IsMatch(value) || BucketName().IsMatch(value) || value is "NaN" or "Infinity" or "-Infinity";

    private static IEnumerable<(string Path, string Value)> Strings(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                yield return (path, e.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    foreach (var s in Strings(p.Value, path + "." + p.Name))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var x in e.EnumerateArray())
                {
                    foreach (var s in Strings(x, $"{path}[{i}]"))
                    {
                        yield return s;
                    }

                    i++;
                }

                break;
        }
    }

    private static HashSet<string> InputStrings(Run run, PredictionContext? predictions, PredictionContext? training, SeedAggregate? seeds)
    {
        var s = new HashSet<string>(StringComparer.Ordinal) { run.Identity.Id, run.Identity.Name };
        foreach (var series in run.Series.Values)
        {
            s.Add(series.Key);
            s.Add(series.OriginalName);
        }

        foreach (var (key, value) in run.Config.Values)
        {
            s.Add(key);
            s.Add(value.Text);
        }

        s.UnionWith(run.Checkpoints.Select(c => c.Path).OfType<string>());
        s.UnionWith(run.Events.Select(e => e.Message));
        if (run.Trainer.BestCheckpoint is { } best)
        {
            s.Add(best);
        }

        foreach (var p in new[] { predictions, training }.OfType<PredictionContext>())
        {
            s.UnionWith(p.Evaluation.Metrics.Classes);
            if (p.Set is { } set)
            {
                s.UnionWith(set.Classes);
                s.UnionWith(set.ExampleIds);
                foreach (var column in set.Slices)
                {
                    s.Add(column.Name);
                    s.UnionWith(column.Values);
                }
            }
        }

        if (seeds is not null)
        {
            s.Add(seeds.PrimaryMetric);
            s.UnionWith(seeds.Metrics.Keys);
            if (seeds.BestSeed is { } b)
            {
                s.Add(b);
            }
        }

        return s;
    }

    /// <summary>One token: letters and digits, joined by single <c>-</c>, <c>_</c>, <c>.</c> or <c>/</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*([-_./][A-Za-z0-9]+)*$")]
    private static partial Regex Identifier();

    /// <summary>A bucket's interval: <c>[a, b)</c>, <c>&lt; a</c> or <c>≥ a</c>.</summary>
    [GeneratedRegex(@"^(\[-?[0-9.e+]+, -?[0-9.e+]+\)|< -?[0-9.e+]+|≥ -?[0-9.e+]+)$")]
    private static partial Regex BucketName();
}
