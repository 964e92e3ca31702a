using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>
/// Evidence records, their JSON and their documentation cannot drift: every record is declared by a rule and known to the
/// JSON context, one key means one type in every rule, docs/evidence.md describes the shared keys, and each rule's page
/// lists the fields of its records (and of the records in their lists) with the same names, order and JSON types.
/// </summary>
public sealed partial class EvidenceDocsTests
{
    public static TheoryData<string> RuleIds => [.. RuleCatalog.All.Select(r => r.Descriptor.Id)];

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Every evidence record in the assembly (the empty one aside).</summary>
    private static IEnumerable<Type> EvidenceTypes => typeof(Evidence).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Evidence)) && t != typeof(NoEvidence));

    [Fact]
    public void Every_evidence_record_is_declared_by_exactly_one_rule_and_known_to_the_json_context()
    {
        var declared = RuleCatalog.All.SelectMany(r => r.Descriptor.Evidence).ToList();
        Assert.Equal(declared.Count, declared.Distinct().Count());
        Assert.Equal(EvidenceTypes.OrderBy(t => t.Name), declared.OrderBy(t => t.Name));
        foreach (var type in declared)
        {
            var info = EvidenceJson.TypeInfo(type);
            // The generated metadata writes the record's fields as snake_case keys in declaration order.
            Assert.Equal(Fields(type).Select(f => f.Name), info.Properties.Select(p => p.Name));
        }
    }

    [Fact]
    public void A_record_missing_from_the_json_context_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => EvidenceJson.ToElement(new StrayEvidence(1)));
        Assert.Contains("StrayEvidence is not in EvidenceJsonContext", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_fields_in_order_with_nulls_and_named_non_finite_numbers()
    {
        var e = new DivergenceNonFiniteEvidence("train/loss", 650, double.NaN, 12, 40, null, null, ["val/loss"]);
        Assert.Equal(
            """{"series":"train/loss","first_non_finite_step":650,"first_non_finite_value":"NaN","non_finite_points":12,"points":40,"last_finite_step":null,"last_finite_value":null,"other_series":["val/loss"]}""",
            EvidenceJson.ToElement(e).GetRawText());
        var infinite = new DivergenceEvidence("train/loss", 1, double.PositiveInfinity, double.NegativeInfinity, 0.5, 0.1, 0.5, 12);
        Assert.Equal("Infinity", EvidenceJson.ToElement(infinite).GetProperty("tail_median").GetString());
        Assert.Equal("-Infinity", EvidenceJson.ToElement(infinite).GetProperty("relative_rise").GetString());

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            EvidenceJson.Write(writer, e);
        }

        Assert.Equal(EvidenceJson.ToElement(e).GetRawText(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void One_key_has_one_json_type_in_every_rule_and_names_follow_the_vocabulary()
    {
        var byKey = AllRecords().SelectMany(Fields).GroupBy(f => f.Name, StringComparer.Ordinal);
        foreach (var key in byKey)
        {
            var types = key.Select(f => Bare(f.JsonType)).Distinct(StringComparer.Ordinal).ToList();
            Assert.True(types.Count == 1, $"`{key.Key}` is {string.Join(" and ", types)} in different records");
        }

        foreach (var f in AllRecords().SelectMany(Fields))
        {
            var type = Bare(f.JsonType);
            if (f.Name == "step" || f.Name.EndsWith("_step", StringComparison.Ordinal))
            {
                Assert.True(type == "integer", $"`{f.Name}` is a step: integer, not {type}");
            }

            if (f.Name.EndsWith("_fraction", StringComparison.Ordinal) || f.Name.StartsWith("relative_", StringComparison.Ordinal)
                || f.Name == "threshold" || f.Name.StartsWith("threshold_", StringComparison.Ordinal))
            {
                Assert.True(type == "number", $"`{f.Name}` is {type}, not number");
            }

            if (f.Name == "series" || f.Name.EndsWith("_series", StringComparison.Ordinal))
            {
                var expected = f.Name == "other_series" ? "array of string" : "string";
                Assert.True(type == expected, $"`{f.Name}` names series: {expected}, not {type}");
            }

            Assert.DoesNotContain("share", f.Name, StringComparison.Ordinal); // fractions are *_fraction
        }
    }

    [Fact]
    public void Evidence_md_describes_each_shared_key_with_the_type_the_records_give_it()
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "evidence.md"));
        var rows = Row().Matches(text).Select(m => (Key: m.Groups[1].Value, Type: m.Groups[2].Value.Trim(), Unit: m.Groups[3].Value.Trim())).ToList();
        Assert.NotEmpty(rows);
        var used = AllRecords().SelectMany(Fields).ToLookup(f => f.Name, f => Bare(f.JsonType), StringComparer.Ordinal);
        foreach (var (key, type, unit) in rows)
        {
            Assert.True(used.Contains(key), $"docs/evidence.md describes `{key}`, which no evidence record has");
            Assert.All(used[key], t => Assert.Equal(type, t));
            Assert.False(string.IsNullOrWhiteSpace(unit), $"`{key}` has no unit in docs/evidence.md");
        }

        foreach (var shared in new[] { "series", "threshold", "window", "best_step", "best_value", "final_step", "final_value", "first_step", "last_step", "points", "evidence_source", "level" })
        {
            Assert.Contains(rows, r => r.Key == shared);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void The_rule_page_lists_every_evidence_field_with_its_type_and_unit(string id)
    {
        var rule = RuleCatalog.Find(id)!;
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, rule.Descriptor.DocsPath));
        var start = text.IndexOf("\n## Evidence\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{rule.Descriptor.DocsPath} has no '## Evidence' section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = text[start..(end < 0 ? text.Length : end)];

        var documented = new Dictionary<string, List<(string Name, string Type, string Unit)>>(StringComparer.Ordinal);
        List<(string Name, string Type, string Unit)>? current = null;
        foreach (var line in section.Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } h)
            {
                current = [];
                Assert.True(documented.TryAdd(h.Groups[1].Value, current), $"{id}: {h.Groups[1].Value} is documented twice");
            }
            else if (Row().Match(line) is { Success: true } r)
            {
                Assert.True(current is not null, $"{id}: the table row '{line}' comes before any ### `Record` heading");
                current.Add((r.Groups[1].Value, r.Groups[2].Value.Trim(), r.Groups[3].Value.Trim()));
            }
        }

        var expected = rule.Descriptor.Evidence.SelectMany(t => new[] { t }.Concat(Items(t))).Distinct().ToList();
        Assert.Equal(expected.Select(t => t.Name).Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var type in expected)
        {
            var rows = documented[type.Name];
            Assert.Equal(Fields(type).Select(f => (f.Name, f.JsonType)), rows.Select(r => (r.Name, r.Type)));
            Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Unit), $"{id} {type.Name}.{r.Name} has no unit"));
        }
    }

    /// <summary>The JSON name and type of each field of a record, in declaration order: <c>number</c>, <c>integer</c>,
    /// <c>string</c>, <c>boolean</c>, <c>array of X</c> (X a JSON type or an item record's name), with <c> or null</c> when
    /// the field may be null.</summary>
    internal static IEnumerable<(string Name, string JsonType)> Fields(Type record)
    {
        var parameters = record.GetConstructors().MaxBy(c => c.GetParameters().Length)!.GetParameters();
        foreach (var p in parameters)
        {
            var property = record.GetProperty(p.Name!)!;
            var type = JsonType(property.PropertyType);
            var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                || (!property.PropertyType.IsValueType && Nullability.Create(property).ReadState == NullabilityState.Nullable);
            yield return (JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name!), nullable ? type + " or null" : type);
        }
    }

    private static string JsonType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(double) || t == typeof(float))
        {
            return "number";
        }

        if (t == typeof(int) || t == typeof(long))
        {
            return "integer";
        }

        if (t == typeof(bool))
        {
            return "boolean";
        }

        if (t == typeof(string))
        {
            return "string";
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            return "array of " + JsonType(t.GetGenericArguments()[0]);
        }

        Assert.True(t.IsClass && t.Namespace?.StartsWith("Runlens.Analysis.Rules", StringComparison.Ordinal) == true, $"{t} is not an evidence field type");
        return t.Name;
    }

    /// <summary>The item records a record's lists hold.</summary>
    private static IEnumerable<Type> Items(Type record) => record.GetProperties()
        .Select(p => p.PropertyType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        .Select(t => t.GetGenericArguments()[0])
        .Where(t => t.IsClass && t != typeof(string));

    private static IEnumerable<Type> AllRecords() => EvidenceTypes.SelectMany(t => new[] { t }.Concat(Items(t))).Distinct();

    /// <summary>The JSON type without nullability, lists of records as <c>array of object</c>.</summary>
    private static string Bare(string jsonType)
    {
        var t = jsonType.Replace(" or null", "", StringComparison.Ordinal);
        return t.StartsWith("array of ", StringComparison.Ordinal) && char.IsUpper(t["array of ".Length]) ? "array of object" : t;
    }

    private sealed record StrayEvidence(double X) : Evidence;

    [GeneratedRegex(@"^### `([A-Za-z0-9]+)`")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| `([a-z0-9_]+)` \| ([^|]+) \| ([^|]*) \| ([^|]*) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
