using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Runlens.Audit;
using Runlens.Audit.Results;
using Runlens.Reports.Audit;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>
/// Every data-audit rule's docs page (docs/rules/RL07*.md) lists exactly the evidence the rule really emits: the page's
/// "check field" table against the evidence record of the rule's finding when the audit runs on the media made to trip
/// it (field names and types from the record, both directions), and against that evidence as the audit JSON writes it
/// (every field written is documented, with a value of the documented type). The table of the run-diagnosis wrapper
/// (<see cref="DataAuditEvidence"/>) is checked against its record the same way.
/// </summary>
public sealed class AuditEvidenceDocsTests
{
    private static readonly string[] Folders = ["dirty", "audio", "text", "tab"];

    [MediaFact]
    public async Task Every_RL07_page_documents_exactly_the_evidence_fields_and_types_its_rule_emits()
    {
        var pages = Pages();
        Assert.Equal(26, pages.Count);
        var findings = new Dictionary<string, (AuditFinding Finding, JsonElement Json)>(StringComparer.Ordinal);
        // the media, and the oracle table whose columns encode the label (RL0726)
        foreach (var folder in Folders.Select(AuditMedia.Path).Append(Fixtures.Test(Path.Combine("oracles", "sklearn", "label_feature", "leaky"))))
        {
            var result = await AuditRunner.RunAsync(folder, new AuditOptions());
            using var stream = new MemoryStream();
            AuditRenderers.For("json").Render(result, stream);
            var json = JsonDocument.Parse(stream.ToArray()).RootElement.GetProperty("findings").EnumerateArray().ToList();
            foreach (var f in result.Findings)
            {
                findings.TryAdd(f.RuleId, (f, json.First(j => j.GetProperty("id").GetString() == f.RuleId).GetProperty("evidence").Clone()));
            }
        }

        var problems = new List<string>();
        foreach (var (rule, documented) in pages.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!findings.TryGetValue(rule, out var found))
            {
                problems.Add($"{rule}: the audit media never fire it, so its evidence cannot be checked");
                continue;
            }

            var declared = Fields(found.Finding.Evidence.GetType(), "").ToDictionary(f => f.Path, f => f.Type, StringComparer.Ordinal);
            foreach (var (path, type) in declared.Where(d => !documented.ContainsKey(d.Key)))
            {
                problems.Add($"{rule}: `{path}` ({type}) is emitted but not documented");
            }

            foreach (var (path, type) in documented)
            {
                if (!declared.TryGetValue(path, out var real))
                {
                    problems.Add($"{rule}: `{path}` is documented but not emitted");
                }
                else if (real != type)
                {
                    problems.Add($"{rule}: `{path}` is documented as {type} but is {real}");
                }
            }

            foreach (var (path, value) in Written(found.Json, ""))
            {
                if (!documented.TryGetValue(path, out var type))
                {
                    problems.Add($"{rule}: `{path}` is written in the audit JSON but not documented");
                }
                else if (!Fits(value, type))
                {
                    problems.Add($"{rule}: `{path}` is documented as {type} but the audit JSON writes {value.ValueKind} {value.GetRawText()}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_diagnosis_wrapper_table_on_every_RL07_page_matches_the_DataAuditEvidence_record()
    {
        var declared = Fields(typeof(DataAuditEvidence), "").ToDictionary(f => f.Path, f => f.Type, StringComparer.Ordinal);
        foreach (var file in PageFiles())
        {
            var table = Table(file, "| field | type | unit | meaning |");
            Assert.True(table.Count > 0, $"{file}: no DataAuditEvidence table");
            Assert.Equal(declared.OrderBy(d => d.Key, StringComparer.Ordinal), table.OrderBy(d => d.Key, StringComparer.Ordinal));
        }
    }

    private static IEnumerable<string> PageFiles() => Directory.EnumerateFiles(Path.Combine(Fixtures.RepoRoot, "docs", "rules"), "RL07*.md").Order(StringComparer.Ordinal);

    private static Dictionary<string, Dictionary<string, string>> Pages() =>
        PageFiles().ToDictionary(f => Path.GetFileNameWithoutExtension(f), f =>
        {
            var table = Table(f, "| check field | type | meaning |");
            Assert.True(table.Count > 0, $"{f}: no \"check field\" table in its Evidence section");
            return table;
        }, StringComparer.Ordinal);

    /// <summary>The rows of the table with this header in the page's Evidence section: the field (without its backticks)
    /// and its type.</summary>
    private static Dictionary<string, string> Table(string file, string header)
    {
        var lines = File.ReadAllLines(file);
        var evidence = Array.IndexOf(lines, "## Evidence");
        Assert.True(evidence >= 0, $"{file}: no Evidence section");
        var start = Array.FindIndex(lines, evidence, l => l.Trim() == header);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        if (start < 0)
        {
            return rows;
        }

        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.True(cells[0].StartsWith('`') && cells[0].EndsWith('`'), $"{file}: the field '{cells[0]}' is not in backticks");
            Assert.True(rows.TryAdd(cells[0].Trim('`'), cells[1]), $"{file}: `{cells[0]}` is listed twice");
        }

        return rows;
    }

    /// <summary>Every field of a record as JSON names it (snake_case or its JsonPropertyName), with its type in the
    /// docs' words; the fields of records inside (in arrays too, as <c>name[].field</c>) follow their parent.</summary>
    private static IEnumerable<(string Path, string Type)> Fields(Type type, string prefix)
    {
        var nullability = new NullabilityInfoContext();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).DistinctBy(p => p.Name))
        {
            if (p.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            var nullable = Nullable.GetUnderlyingType(p.PropertyType) is not null || nullability.Create(p).ReadState == NullabilityState.Nullable;
            var (words, inner, array) = Describe(p.PropertyType);
            yield return (prefix + name, words + (nullable ? " or null" : ""));
            if (inner is not null)
            {
                foreach (var f in Fields(inner, prefix + name + (array ? "[]." : ".")))
                {
                    yield return f;
                }
            }
        }
    }

    /// <returns>The type in words, the record inside to list the fields of (or null), and whether it is in an array.</returns>
    private static (string Words, Type? Inner, bool Array) Describe(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(int) || t == typeof(long))
        {
            return ("integer", null, false);
        }

        if (t == typeof(double) || t == typeof(float))
        {
            return ("number", null, false);
        }

        if (t == typeof(string))
        {
            return ("string", null, false);
        }

        if (t == typeof(bool))
        {
            return ("boolean", null, false);
        }

        if (t == typeof(JsonElement))
        {
            return ("object", null, false);
        }

        var dictionary = t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        if (dictionary is not null)
        {
            return ("object of " + Describe(dictionary.GetGenericArguments()[1]).Words, null, false);
        }

        var sequence = t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (sequence is not null && typeof(IEnumerable).IsAssignableFrom(t))
        {
            var (words, inner, _) = Describe(sequence.GetGenericArguments()[0]);
            return ("array of " + words, inner, true);
        }

        return ("object", t, false);
    }

    /// <summary>Every field the JSON writes, with its value: object fields by name, array items' fields as
    /// <c>name[].field</c>; the entries of a keyed object (a dictionary) are its value, not fields.</summary>
    private static IEnumerable<(string Path, JsonElement Value)> Written(JsonElement e, string prefix)
    {
        foreach (var p in e.EnumerateObject())
        {
            var path = prefix + p.Name;
            yield return (path, p.Value);
            var items = p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList() : [];
            var nested = p.Value.ValueKind == JsonValueKind.Object && !IsKeyed(p.Value) ? [p.Value] : new List<JsonElement>();
            foreach (var f in items.SelectMany(i => Written(i, path + "[].")).Concat(nested.SelectMany(n => Written(n, path + "."))))
            {
                yield return f;
            }
        }
    }

    /// <summary>A keyed object (a dictionary such as <c>by_split</c>): every value a number.</summary>
    private static bool IsKeyed(JsonElement o) => o.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number);

    private static bool Fits(JsonElement value, string type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return type.EndsWith(" or null", StringComparison.Ordinal);
        }

        var t = type.Replace(" or null", "", StringComparison.Ordinal);
        return t switch
        {
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number || value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity",
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when t.StartsWith("array of ", StringComparison.Ordinal) => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(i => Fits(i, t["array of ".Length..])),
            _ when t.StartsWith("object of ", StringComparison.Ordinal) => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(p => Fits(p.Value, t["object of ".Length..])),
            "object" => value.ValueKind == JsonValueKind.Object,
            _ => false,
        };
    }
}
